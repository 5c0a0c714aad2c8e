// write_tensors_csv (see tensor_csv.h): formats row-major slices of the visited tensors.
#include "compute/io/tensor_csv.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

#include "core/atomic_file.h"

namespace seqscope::compute {
namespace {

void append_value(std::string& out, NpyType type, const void* data, int64_t index) {
  char buffer[64] = {};
  switch (type) {
    case NpyType::Float32:
      std::snprintf(buffer, sizeof buffer, "%.9g", static_cast<double>(static_cast<const float*>(data)[index]));
      break;
    case NpyType::Complex64: {
      const Complex c = static_cast<const Complex*>(data)[index];
      std::snprintf(buffer, sizeof buffer, "%.9g%+.9gj", static_cast<double>(c.real()), static_cast<double>(c.imag()));
      break;
    }
    case NpyType::Int32: std::snprintf(buffer, sizeof buffer, "%d", static_cast<const int32_t*>(data)[index]); break;
  }
  out += buffer;
}

// rows x cols values starting at element `first`, one line per row.
std::string format_slice(NpyType type, const void* data, int64_t first, int64_t rows, int64_t cols) {
  std::string out;
  out.reserve(static_cast<size_t>(rows * cols * 12));
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) {
      if (j > 0) out += ',';
      append_value(out, type, data, first + i * cols + j);
    }
    out += '\n';
  }
  return out;
}

}  // namespace

std::vector<ExportedTensor> write_tensors_csv(const Results& r, const std::filesystem::path& dir) {
  ensure_export_dir(dir);
  std::vector<ExportedTensor> written;
  nlohmann::json manifest = nlohmann::json::array();
  for_each_tensor(r, [&](const ExportedTensor& entry, NpyType type, const void* data) {
    const auto& shape = entry.shape;
    nlohmann::json files = nlohmann::json::array();
    if (shape.size() <= 2) {
      // A vector is a column: one value per line.
      const int64_t rows = shape[0], cols = shape.size() == 2 ? shape[1] : 1;
      write_file_atomic(dir / (entry.name + ".csv"), format_slice(type, data, 0, rows, cols));
      files.push_back(entry.name + ".csv");
    } else if (shape.size() == 3) {
      ensure_export_dir(dir / entry.name);
      for (int64_t a = 0; a < shape[0]; ++a) {
        const std::string file = entry.name + "/" + std::to_string(a) + ".csv";
        write_file_atomic(dir / file, format_slice(type, data, a * shape[1] * shape[2], shape[1], shape[2]));
        files.push_back(file);
      }
    } else {
      return;  // no tensor of rank 4 or more is exported today; one would be skipped, not flattened
    }
    manifest.push_back({{"name", entry.name}, {"shape", shape}, {"dtype", entry.dtype}, {"files", files}});
    written.push_back(entry);
  });
  write_file_atomic(dir / "manifest.json", manifest.dump(2) + "\n");
  return written;
}

}  // namespace seqscope::compute
