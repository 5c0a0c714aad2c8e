// Export of Results as .npy files plus manifest.json ([{name, shape, dtype}], in writing
// order), one file per tensor, row-major, the shapes of docs/math.md ("Exported tensors").
// Complex-capable tensors are complex64 when the model is complex and float32 otherwise.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "results.h"

namespace seqscope::compute {

struct ExportedTensor {
  std::string name;  // file is <name>.npy
  std::vector<int64_t> shape;
  std::string dtype;  // "float32", "complex64", "int32"
};

// Creates dir if missing; writes every tensor of r and manifest.json; returns the manifest.
// Any failure throws UserError with one line naming the path.
std::vector<ExportedTensor> write_tensors(const Results& r, const std::filesystem::path& dir);

}  // namespace seqscope::compute
