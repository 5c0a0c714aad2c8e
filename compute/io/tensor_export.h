// Export of Results as .npy files plus manifest.json ([{name, shape, dtype}], in writing
// order), one file per tensor, row-major, the shapes of docs/math.md ("Exported tensors").
// Complex-capable tensors are complex64 when the model is complex and float32 otherwise.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "compute/backend/results.h"
#include "compute/io/npy.h"

namespace seqscope::compute {

struct ExportedTensor {
  std::string name;  // file is <name>.npy
  std::vector<int64_t> shape;
  std::string dtype;  // "float32", "complex64", "int32"
};

// Calls visit(entry, data) for every exported tensor, in manifest order; `data` holds
// product(shape) elements of entry.dtype, row-major, valid during the call only.
using TensorVisitor = std::function<void(const ExportedTensor& entry, NpyType type, const void* data)>;
void for_each_tensor(const Results& r, const TensorVisitor& visit);

// Creates dir if missing (UserError when it cannot).
void ensure_export_dir(const std::filesystem::path& dir);

// Creates dir if missing; writes every tensor of r and manifest.json; returns the manifest.
// Any failure throws UserError with one line naming the path.
std::vector<ExportedTensor> write_tensors(const Results& r, const std::filesystem::path& dir);

}  // namespace seqscope::compute
