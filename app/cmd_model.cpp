// Real checkpoints on the command line: flags, `seqscope tokenize`, and the tensor export of
// one layer of a real model (no window, no Vulkan: the forward pass is on the CPU).
#include "app/cmd_model.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "compute/atomic_file.h"
#include "compute/checkpoint/model.h"
#include "compute/checkpoint/tokenizer.h"
#include "compute/npy.h"

namespace seqscope::app {
namespace {

namespace ckpt = compute::checkpoint;
namespace fs = std::filesystem;

// The model folder's tokenizer, or UTF-8 bytes with a notice when it has none.
std::vector<int> tokens_for(const Options& options, const fs::path& dir) {
  if (!options.tokens.empty()) return ckpt::parse_token_list(options.tokens);
  if (!options.text) throw compute::UserError("export --model needs --text STR or --tokens 1,2,3");
  const fs::path tokenizer = dir / "tokenizer.json";
  if (fs::exists(tokenizer)) return ckpt::Tokenizer::from_file(tokenizer).encode(*options.text);
  std::fprintf(stderr, "seqscope: notice: %s has no tokenizer.json; token ids are the text's UTF-8 bytes\n",
               dir.string().c_str());
  return ckpt::byte_tokens(*options.text);
}

void write_real(const fs::path& path, const compute::MatrixC& m) {
  compute::write_npy(path, compute::Matrix(m.real()));
}

void write_ssm(const fs::path& out, const compute::SsmResults& r) {
  using compute::write_npy;
  write_npy(out / "u.npy", r.u);
  write_npy(out / "delta.npy", r.delta);
  write_real(out / "A.npy", r.A);
  write_npy(out / "B.npy", r.B);
  write_real(out / "C.npy", r.C);
  write_npy(out / "Dskip.npy", r.Dskip);
  write_npy(out / "Abar.npy", compute::real_part(r.Abar));
  write_npy(out / "Bbar.npy", compute::real_part(r.Bbar));
  write_npy(out / "h.npy", compute::real_part(r.h));
  write_npy(out / "y_ssm.npy", r.y);
  write_npy(out / "y_gated.npy", r.y_gated);
  write_npy(out / "hidden_attention.npy", r.hidden_attention);
}

void write_attention(const fs::path& out, const compute::AttentionResults& a) {
  using compute::write_npy;
  write_npy(out / "q.npy", a.q);
  write_npy(out / "k.npy", a.k);
  write_npy(out / "v.npy", a.v);
  write_npy(out / "probs.npy", a.probs);
  write_npy(out / "attn_out.npy", a.out);
}

}  // namespace

void add_model_flags(CLI::App& cli, Options& options) {
  cli.add_option("--model", options.model, "Hugging Face model folder (config.json + model.safetensors)");
  cli.add_option("--model2", options.model2, "A second model folder to compare with (GUI)");
  cli.add_option("--text", options.text, "Text to run the model on");
  cli.add_option("--tokens", options.tokens, "Token ids instead of text, e.g. 1,2,3");
  cli.add_option("--layer", options.layer, "Layer to show or export")->check(CLI::NonNegativeNumber);
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
  const std::vector<int> tokens = tokens_for(options, dir);
  ckpt::RunOptions run_options;
  run_options.layer = options.layer;
  run_options.eigenvalues = false;  // not exported
  const ckpt::ModelRun run = model->run(tokens, run_options);

  const fs::path out = options.tensors_dir;
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) throw compute::UserError(out.string() + ": cannot create: " + ec.message());
  compute::write_npy(out / "tokens.npy", run.tokens);
  compute::write_npy(out / "logits.npy", run.logits);
  if (model->architecture() == ckpt::Architecture::Mamba) write_ssm(out, run.ssm);
  else write_attention(out, run.attention);

  nlohmann::json manifest = {{"model", dir.string()}, {"description", model->describe()}, {"layer", run.layer},
                             {"tokens", run.tokens}};
  nlohmann::json top = nlohmann::json::array();
  for (const auto& [id, logit] : ckpt::top_k(run.logits.row(run.logits.rows() - 1), 5))
    top.push_back({{"id", id}, {"logit", logit}});
  manifest["top5_next"] = top;
  compute::write_file_atomic(out / "manifest.json", manifest.dump(2) + "\n");
  std::printf("%s; %zu tokens; layer %d -> %s\n", model->describe().c_str(), run.tokens.size(), run.layer,
              out.string().c_str());
  return 0;
}

}  // namespace seqscope::app
