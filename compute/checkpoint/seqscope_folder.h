// Reading a seqscope model folder back (docs/training.md, "The folder"): config.json through
// compute/model's reader, the weights through this folder's bounds-checked safetensors reader.
// compute/model writes folders but never parses untrusted bytes, so the reading sits here.
#pragma once
#include <filesystem>

#include "compute/model/params.h"

namespace seqscope::compute::checkpoint {

// dir/config.json and dir/model.safetensors -> the parameters. Any problem (no config, a
// config of another model_type, a missing tensor, a shape or dtype other than the spec's F32)
// throws UserError with one line naming the file and, where there is one, the tensor.
model::Parameters<float> load_model_folder(const std::filesystem::path& dir);

}  // namespace seqscope::compute::checkpoint
