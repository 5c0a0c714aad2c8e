// Tensors as CSV, for spreadsheets and plotting tools that do not read .npy. The same tensors
// and names as write_tensors (tensor_export.h):
//   rank 1 [n]        -> NAME.csv, one value per line
//   rank 2 [r, c]     -> NAME.csv, r lines of c comma-separated values
//   rank 3 [a, r, c]  -> NAME/0.csv ... NAME/{a-1}.csv, one [r, c] slice per first index
// complex64 values are written as "re+imj" (numpy's complex() syntax), floats with 9
// significant digits (exact round trip of float32). manifest.json lists each tensor with its
// shape, dtype and files. Every file is written atomically; UserError names a failing path.
#pragma once
#include <filesystem>
#include <vector>

#include "compute/backend/results.h"
#include "compute/io/tensor_export.h"

namespace seqscope::compute {

std::vector<ExportedTensor> write_tensors_csv(const Results& r, const std::filesystem::path& dir);

}  // namespace seqscope::compute
