// A model folder: config.json (config.h) + model.safetensors (F32, little-endian, the tensors
// of params.h in their stable order), docs/training.md "The folder". Saving writes each file
// atomically (temp file, fsync, rename), weights first, config.json last, and refuses a folder
// that holds something other than a seqscope model.
//
// Reading the weights back needs the bounds-checked safetensors reader, which lives above this
// library (compute/checkpoint/safetensors.h); it hands the tensors to parameters_from_tensors
// through a lookup, so the model engine never parses untrusted bytes itself.
#pragma once
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compute/model/params.h"

namespace seqscope::compute::model {

// The bytes of model.safetensors: an 8-byte little-endian header length, the JSON header
// ({"__metadata__": {"format": "pt"}, name: {"dtype": "F32", "shape", "data_offsets"}}, padded
// with spaces to a multiple of 8), then the tensors back to back in parameter_specs' order.
std::string safetensors_bytes(const Parameters<float>& params);

// Writes dir/model.safetensors, then dir/config.json (config_to_json), creating dir. A dir that
// exists must be empty or hold a config.json whose model_type is "seqscope"; anything else
// throws UserError with one line, before a byte is written.
void save_model_folder(const std::filesystem::path& dir, const Parameters<float>& params);

// True when dir/config.json exists and says "model_type": "seqscope" (unreadable = false).
bool is_seqscope_folder(const std::filesystem::path& dir);

// dir/config.json -> the validated config (UserError with one line naming the file).
ModelConfig read_model_config(const std::filesystem::path& dir);

// One tensor as a file holds it, converted to float.
struct TensorData {
  std::vector<int64_t> shape;
  std::vector<float> values;
};
// name -> the tensor, or nullopt when the file has none of that name.
using TensorLookup = std::function<std::optional<TensorData>(const std::string& name)>;

// Every tensor of parameter_specs(config) from `lookup`; a missing tensor or a shape other than
// the spec's throws UserError naming `label` (the file) and the tensor.
Parameters<float> parameters_from_tensors(const ModelConfig& config, const TensorLookup& lookup,
                                          const std::string& label);

}  // namespace seqscope::compute::model
