// model_grads_export: a test-only tool for check_torch_grads.py. It builds a model of a pattern
// with init weights (optionally moved by seeded noise), saves its folder, runs
// loss_and_gradients in float32 on the given tokens and targets, and writes
//   OUT/model/             config.json + model.safetensors (the folder PyTorch loads)
//   OUT/grads/NAME.npy     d loss / d parameter, float32, the parameter's safetensors name and shape
//   OUT/grads/loss.npy     [1]
//   OUT/grads/logits.npy   [L, V]
// Usage: model_grads_export --out DIR --pattern P --tokens 1,2,3 --targets 0,-1,4
//          [--seed S] [--d-model D] [--state N] [--vocab V] [--heads H] [--rope-theta T] [--noise SIGMA]
// Errors print one line and exit 2.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "compute/io/npy.h"
#include "compute/model/folder.h"
#include "compute/model/model.h"
#include "core/param_rng.h"
#include "core/types.h"

namespace {

using namespace seqscope::compute;
using namespace seqscope::compute::model;

std::vector<int> parse_ids(const std::string& text) {
  std::vector<int> ids;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) ids.push_back(std::stoi(item));
  return ids;
}

int run(int argc, char** argv) {
  std::map<std::string, std::string> args = {{"--seed", "1"},   {"--d-model", "8"}, {"--state", "4"},
                                             {"--vocab", "11"}, {"--heads", "2"},   {"--rope-theta", "10000"},
                                             {"--noise", "0"}};
  for (int i = 1; i + 1 < argc; i += 2) args[argv[i]] = argv[i + 1];
  for (const char* required : {"--out", "--pattern", "--tokens", "--targets"})
    if (!args.count(required)) throw UserError(std::string("missing ") + required);
  ModelConfig c;
  c.pattern = args["--pattern"];
  c.d_model = std::stoi(args["--d-model"]);
  c.d_state = std::stoi(args["--state"]);
  c.vocab_size = std::stoi(args["--vocab"]);
  c.n_heads = std::stoi(args["--heads"]);
  c.rope_theta = std::stod(args["--rope-theta"]);
  resolve_defaults(c);
  Parameters<float> params = init_parameters(c, std::stoull(args["--seed"]));
  const double noise = std::stod(args["--noise"]);
  if (noise > 0)
    for_each_tensor(params, [&](const TensorSpec& spec, float* data) {
      ParamRng rng(std::stoull(args["--seed"]), "noise." + spec.name);
      for (int64_t i = 0; i < spec.count(); ++i) data[i] += static_cast<float>(noise * rng.normal());
    });
  const std::vector<int> tokens = parse_ids(args["--tokens"]);
  const std::vector<int> targets = parse_ids(args["--targets"]);
  const std::filesystem::path out = args["--out"];
  save_model_folder(out / "model", params);

  Parameters<float> grads = zeros_like(params);
  const CrossEntropyResult result = loss_and_gradients<float>(params, tokens, targets, grads);
  ModelActivations<float> act;
  const Mat<float> logits = model_forward(params, tokens, act);
  std::filesystem::create_directories(out / "grads");
  const std::vector<float> loss = {static_cast<float>(result.loss)};
  write_npy(out / "grads" / "loss.npy", std::span<const float>(loss), {1});
  write_npy(out / "grads" / "logits.npy",
            std::span<const float>(logits.data(), static_cast<size_t>(logits.size())),
            {logits.rows(), logits.cols()});
  for_each_tensor(grads, [&](const TensorSpec& spec, const float* data) {
    write_npy(out / "grads" / (spec.name + ".npy"),
              std::span<const float>(data, static_cast<size_t>(spec.count())), spec.shape);
  });
  std::printf("%s: loss %.6f over %d targets, %zu tensors\n", c.pattern.c_str(), result.loss, result.count,
              parameter_specs(c).size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "model_grads_export: %s\n", e.what());
    return 2;
  }
}
