// Real checkpoints on the command line: flags, `seqscope tokenize`, and the tensor export of
// one layer of a real model (no window, no Vulkan: the forward pass is on the CPU).
#include "app/cmd_model.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/run.h"
#include "compute/checkpoint/adapter.h"
#include "compute/checkpoint/model.h"
#include "compute/checkpoint/tokenizer.h"
#include "compute/io/tensor_export.h"
#include "compute/vulkan/model_kernels.h"
#include "core/atomic_file.h"
#include "gpu/context.h"

namespace seqscope::app {
namespace {

namespace ckpt = compute::checkpoint;
namespace fs = std::filesystem;

// --tokens; else a seqscope model's task sample (--sample); else the text through the model
// folder's tokenizer, or as UTF-8 bytes with a notice when it has none.
std::vector<int> tokens_for(const Options& options, const fs::path& dir, const ckpt::Model& model) {
  if (!options.tokens.empty()) return ckpt::parse_token_list(options.tokens);
  if (model.architecture() == ckpt::Architecture::Seqscope) {
    if (options.text) throw compute::UserError("--text: " + dir.string() + " reads task samples, not text (--sample N or --tokens IDS)");
    if (!model.trained_task())
      throw compute::UserError(dir.string() + ": its config.json names no task to sample; pass --tokens IDS");
    return compute::make_task_sample(*model.trained_task(), options.sample).tokens;
  }
  if (!options.text) throw compute::UserError("export --model needs --text STR or --tokens 1,2,3");
  const fs::path tokenizer = dir / "tokenizer.json";
  if (fs::exists(tokenizer)) return ckpt::Tokenizer::from_file(tokenizer).encode(*options.text);
  std::fprintf(stderr, "seqscope: notice: %s has no tokenizer.json; token ids are the text's UTF-8 bytes\n",
               dir.string().c_str());
  return ckpt::byte_tokens(*options.text);
}

// The export's description of the run (manifest.json lists the tensors): the model, layer,
// tokens and the top-5 next tokens after the last one.
nlohmann::json run_description(const fs::path& dir, const ckpt::Model& model, const ckpt::ModelRun& run) {
  nlohmann::json description = {{"model", dir.string()}, {"description", model.describe()}, {"layer", run.layer},
                                {"tokens", run.tokens}};
  // Which layers the SSM and attention tensors come from (null: none of that kind).
  const auto layer_or_null = [](int i) { return i >= 0 ? nlohmann::json(i) : nlohmann::json(); };
  description["ssm_layer"] = layer_or_null(run.ssm_layer);
  description["attention_layer"] = layer_or_null(run.attention_layer);
  nlohmann::json top = nlohmann::json::array();
  for (const auto& [id, logit] : ckpt::top_k(run.logits.row(run.logits.rows() - 1), 5))
    top.push_back({{"id", id}, {"logit", logit}});
  description["top5_next"] = top;
  return description;
}

}  // namespace

void add_model_flags(CLI::App& cli, Options& options) {
  CLI::Option* model =
      cli.add_option("--model", options.model, "Hugging Face model folder (config.json + model.safetensors)");
  CLI::Option* model2 = cli.add_option("--model2", options.model2,
                                       "A second model folder to compare with (window and export --png)")
                            ->needs(model);
  cli.add_option("--text", options.text, "Text to run the model on");
  cli.add_option("--tokens", options.tokens, "Token ids instead of text, e.g. 1,2,3");
  cli.add_option("--layer", options.layer, "Layer to show or export")->check(CLI::NonNegativeNumber);
  cli.add_option("--layer2", options.layer2, "Layer of --model2 to show")->check(CLI::NonNegativeNumber)->needs(model2);
  cli.add_option("--sample", options.sample, "Task sample a model made by seqscope train is shown on (default 0)")
      ->needs(model);
}

CLI::App* add_tokenize_command(CLI::App& cli, Options& options) {
  CLI::App* cmd = cli.add_subcommand("tokenize", "Print the token ids of a text (byte-level BPE tokenizer.json)");
  cmd->add_option("--tokenizer", options.tokenizer, "tokenizer.json")->required();
  cmd->add_option("--text", options.text, "Text to encode")->required();
  return cmd;
}

int run_tokenize(const Options& options) {
  const auto tokenizer = ckpt::Tokenizer::from_file(options.tokenizer);
  const std::vector<int> ids = tokenizer.encode(options.text.value_or(""));
  std::string line;
  for (size_t i = 0; i < ids.size(); ++i) line += (i ? "," : "") + std::to_string(ids[i]);
  std::printf("%s\n", line.c_str());
  return 0;
}

int run_model_export(const Options& options) {
  if (options.tensors_dir.empty()) throw compute::UserError("export --model needs --tensors DIR");
  const fs::path dir = options.model;
  const auto model = ckpt::Model::open(dir);
  const std::vector<int> tokens = tokens_for(options, dir, *model);
  ckpt::RunOptions run_options;
  run_options.layer = options.layer;
  // --backend vulkan: every layer's scan and attention heads on the Vulkan backend.
  std::unique_ptr<gpu::Context> context;
  std::unique_ptr<vk::VulkanModelKernels> kernels;
  if (options.backend == "vulkan") {
    context = make_headless_context(options);
    if (!context) return 1;  // as every export without its device
    kernels = std::make_unique<vk::VulkanModelKernels>(std::make_shared<vk::VulkanBackend>(*context));
    run_options.kernels = kernels.get();
  }
  ckpt::ModelRun run = model->run(tokens, run_options);
  const nlohmann::json description = run_description(dir, *model, run);

  // The layer as dashboard Results, so the export has the names and layout of the synthetic
  // one (compute/io/tensor_export.h): tokens [L] int32, logits [L, V] and the layer's tensors.
  compute::Results results;
  results.logits = std::move(run.logits);
  ckpt::fill_results(*model, std::move(run), std::vector<std::string>(tokens.size()), results);
  const fs::path out = options.tensors_dir;
  compute::write_tensors(results, out);
  compute::write_file_atomic(out / "model.json", description.dump(2) + "\n");
  std::printf("%s; %zu tokens; layer %d; layers on %s -> %s\n", model->describe().c_str(), tokens.size(),
              options.layer, kernels ? "vulkan" : "the CPU", out.string().c_str());
  return 0;
}

}  // namespace seqscope::app
