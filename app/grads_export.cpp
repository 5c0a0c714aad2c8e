#include "app/grads_export.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string>

#include "compute/checkpoint/seqscope_folder.h"
#include "compute/checkpoint/tokenizer.h"
#include "compute/io/npy.h"
#include "compute/io/tensor_export.h"
#include "compute/model/folder.h"
#include "compute/model/model.h"
#include "core/atomic_file.h"
#include "core/types.h"

namespace seqscope::app {

namespace fs = std::filesystem;
using compute::UserError;

namespace {

// The inputs, checked before any work: one line per problem.
struct GradsInputs {
  std::vector<int> tokens, targets;
};

GradsInputs checked_inputs(const Options& options, int vocab) {
  if (options.tokens.empty()) throw UserError("export --grads needs --tokens IDS (e.g. 4,7,2)");
  if (options.targets.empty()) throw UserError("export --grads needs --targets IDS (-1 = no loss there)");
  GradsInputs in{compute::checkpoint::parse_token_list(options.tokens), compute::checkpoint::parse_id_list(options.targets, "--targets", true)};
  if (in.targets.size() != in.tokens.size())
    throw UserError("--targets has " + std::to_string(in.targets.size()) + " ids for " +
                    std::to_string(in.tokens.size()) + " tokens; give one per token (-1 = no loss there)");
  bool any = false;
  for (int t : in.targets) {
    if (t >= vocab)
      throw UserError("--targets: " + std::to_string(t) + " is outside the model's vocabulary 0.." +
                      std::to_string(vocab - 1));
    any = any || t >= 0;
  }
  if (!any) throw UserError("--targets has no target (every id is -1): there is no loss to differentiate");
  return in;
}

}  // namespace

int run_grads_export(const Options& options) {
  const fs::path dir = options.model;
  if (!compute::model::is_seqscope_folder(dir))
    throw UserError("export --grads needs a seqscope model folder (made by seqscope train); " + dir.string() +
                    " is not one");
  const compute::model::Parameters<float> params = compute::checkpoint::load_model_folder(dir);
  const GradsInputs in = checked_inputs(options, params.config.vocab_size);
  compute::model::Parameters<float> grads = compute::model::zeros_like(params);
  const compute::model::CrossEntropyResult result =
      compute::model::loss_and_gradients<float>(params, in.tokens, in.targets, grads);
  if (!std::isfinite(result.loss)) throw UserError("the loss is not finite on these tokens (" + dir.string() + ")");

  const fs::path out = options.grads_dir;
  compute::ensure_export_dir(out);
  const float loss = static_cast<float>(result.loss);
  compute::write_npy(out / "loss.npy", std::span<const float>(&loss, 1), {1});
  nlohmann::json tensors = nlohmann::json::array();
  tensors.push_back({{"name", "loss"}, {"shape", {1}}, {"dtype", "float32"}});
  compute::model::for_each_tensor(grads, [&](const compute::model::TensorSpec& spec, const float* data) {
    compute::write_npy(out / (spec.name + ".npy"), std::span<const float>(data, static_cast<size_t>(spec.count())),
                       spec.shape);
    tensors.push_back({{"name", spec.name}, {"shape", spec.shape}, {"dtype", "float32"}});
  });
  const nlohmann::json manifest = {{"model", dir.string()},       {"pattern", params.config.pattern},
                                   {"tokens", in.tokens},         {"targets", in.targets},
                                   {"loss", result.loss},         {"targeted_positions", result.count},
                                   {"correct", result.correct},   {"tensors", tensors}};
  compute::write_file_atomic(out / "manifest.json", manifest.dump(2) + "\n");
  std::printf("%s (%s): loss %.6f over %d targets; wrote %zu gradients to %s\n", dir.string().c_str(),
              params.config.pattern.c_str(), result.loss, result.count, tensors.size() - 1, out.string().c_str());
  return 0;
}

}  // namespace seqscope::app
