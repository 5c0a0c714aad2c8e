#include "compute/model/folder.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

#include "core/atomic_file.h"
#include "core/types.h"

namespace seqscope::compute::model {

namespace {

void append_u64_le(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void append_f32_le(std::string& out, const float* data, int64_t count) {
  const size_t start = out.size();
  out.resize(start + static_cast<size_t>(count) * 4);
  char* dst = out.data() + start;
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(dst, data, static_cast<size_t>(count) * 4);
  } else {
    for (int64_t i = 0; i < count; ++i) {
      const auto bits = std::bit_cast<uint32_t>(data[i]);
      for (int b = 0; b < 4; ++b) dst[4 * i + b] = static_cast<char>((bits >> (8 * b)) & 0xFF);
    }
  }
}

nlohmann::json read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(path.string() + ": cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw UserError(path.string() + ": not valid JSON (byte " + std::to_string(e.byte) + ")");
  }
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

}  // namespace

std::string safetensors_bytes(const Parameters<float>& params) {
  nlohmann::json header = nlohmann::json::object();
  header["__metadata__"] = {{"format", "pt"}};
  std::string data;
  for_each_tensor(params, [&](const TensorSpec& spec, const float* values) {
    const size_t begin = data.size();
    append_f32_le(data, values, spec.count());
    header[spec.name] = {{"dtype", "F32"}, {"shape", spec.shape}, {"data_offsets", {begin, data.size()}}};
  });
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // the data starts 8-byte aligned, as safetensors writes it
  std::string out;
  out.reserve(8 + text.size() + data.size());
  append_u64_le(out, text.size());
  out += text;
  out += data;
  return out;
}

bool is_seqscope_folder(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir / "config.json", ec)) return false;
  try {
    const nlohmann::json json = read_json_file(dir / "config.json");
    return json.is_object() && json.contains("model_type") && json["model_type"] == "seqscope";
  } catch (const UserError&) {
    return false;
  }
}

void save_model_folder(const std::filesystem::path& dir, const Parameters<float>& params) {
  validate_config(params.config);
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) {
    if (!std::filesystem::is_directory(dir, ec))
      throw UserError(dir.string() + ": exists and is not a folder; refusing to overwrite it");
    const bool empty = std::filesystem::is_empty(dir, ec);
    if (ec) throw UserError(dir.string() + ": cannot list the folder (" + ec.message() + ")");
    if (!empty && !is_seqscope_folder(dir))
      throw UserError(dir.string() + ": exists and is not a seqscope model folder (no config.json with " +
                      "\"model_type\": \"seqscope\"); refusing to overwrite it");
  } else {
    std::filesystem::create_directories(dir, ec);
    if (ec) throw UserError(dir.string() + ": cannot create the folder (" + ec.message() + ")");
  }
  write_file_atomic(dir / "model.safetensors", safetensors_bytes(params));
  write_file_atomic(dir / "config.json", config_to_json(params.config).dump(2) + "\n");
}

ModelConfig read_model_config(const std::filesystem::path& dir) {
  const auto path = dir / "config.json";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw UserError(path.string() + ": missing (a seqscope model folder needs config.json)");
  return config_from_json(read_json_file(path), path.string());
}

Parameters<float> parameters_from_tensors(const ModelConfig& config, const TensorLookup& lookup,
                                          const std::string& label) {
  Parameters<float> params = zero_parameters<float>(config);
  for_each_tensor(params, [&](const TensorSpec& spec, float* values) {
    const std::optional<TensorData> tensor = lookup(spec.name);
    if (!tensor) throw UserError(label + ": tensor '" + spec.name + "' is missing");
    if (tensor->shape != spec.shape || static_cast<int64_t>(tensor->values.size()) != spec.count())
      throw UserError(label + ": tensor '" + spec.name + "' has shape " + shape_text(tensor->shape) +
                      ", expected " + shape_text(spec.shape));
    std::copy(tensor->values.begin(), tensor->values.end(), values);
  });
  return params;
}

}  // namespace seqscope::compute::model
