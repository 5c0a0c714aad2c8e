// A real checkpoint folder (config.json + model.safetensors [+ tokenizer.json]) opened for a
// forward pass on the CPU: Mamba (state-spaces and transformers "-hf" layouts), GPT-2 (with
// or without the "transformer." prefix) and seqscope's own folders of every pattern (made by
// `seqscope train`; they run on the model engine, compute/model/model.h). Weights stay in the memory-mapped file when they are
// aligned F32; F16 and BF16 are widened to fp32 once at load. A forward pass returns the logits
// of every position and, for one chosen layer, the layer's tensors as the project's
// SsmResults (Mamba) or AttentionResults (GPT-2), so the dashboard panels show the real model.
// A seqscope hybrid fills both: an `M`/`S` layer the SSM panels, a `*` layer the attention panels.
#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compute/backend/results.h"
#include "compute/checkpoint/safetensors.h"
#include "compute/model/model.h"
#include "compute/model/params.h"
#include "compute/session/tasks.h"
#include "core/types.h"

namespace seqscope::compute::checkpoint {

enum class Architecture { Mamba, Gpt2, Seqscope };

// A 2-D fp32 weight: a view into the mapping (aligned F32) or an owned, widened copy.
struct Weight {
  int64_t rows = 0, cols = 0;
  const float* data = nullptr;
  std::vector<float> owned;
  Eigen::Map<const Matrix> mat() const { return {data, rows, cols}; }
  Eigen::Map<const Vector> vec() const { return {data, rows * cols}; }
  bool empty() const { return data == nullptr; }
};

struct MambaConfig {
  int d_model = 0, n_layer = 0, vocab_size = 0, d_state = 16, d_conv = 4, expand = 2, dt_rank = 0;
  int d_inner() const { return expand * d_model; }
  double eps = 1e-5;
  bool hf_layout = false;  // transformers' MambaForCausalLM keys (backbone.embeddings)
};

struct Gpt2Config {
  int n_embd = 0, n_layer = 0, n_head = 0, vocab_size = 0, n_positions = 0;
  double eps = 1e-5;
  std::string prefix;  // "" or "transformer."
};

struct MambaLayer {
  Weight norm, in_proj, in_proj_bias, conv_w, conv_b, x_proj, dt_w, dt_b, A_log, D, out_proj, out_proj_bias;
};

struct Gpt2Layer {
  Weight ln1_w, ln1_b, attn_w, attn_b, attn_proj_w, attn_proj_b, ln2_w, ln2_b, fc_w, fc_b, mlp_proj_w, mlp_proj_b;
};

// What one forward pass shows: logits of every position and the chosen layer's tensors.
struct ModelRun {
  std::vector<int> tokens;  // [L]
  Matrix logits;            // [L, V]
  int layer = 0;
  // The layers behind ssm and attention (-1: not filled). Mamba: layer, -1; GPT-2: -1, layer;
  // seqscope: the chosen `M`/`S` and `*` layers (RunOptions::layer, attention_layer).
  int ssm_layer = -1, attention_layer = -1;
  SsmResults ssm;              // Mamba: the layer as the project's SSM layer (gated, selective)
  AttentionResults attention;  // GPT-2: the layer's heads
  Matrix layer_input;          // [L, d_model] the residual stream entering the layer
};

// Where a forward pass runs each layer's sequence mixing. Null in RunOptions: on the CPU
// (Eigen). The app passes its Vulkan backend's kernels when that backend is active
// (compute/vulkan/model_kernels.h); both fill the same fields.
class LayerKernels {
 public:
  virtual ~LayerKernels() = default;
  virtual std::string name() const = 0;  // "vulkan"
  // r holds a Mamba layer as the project's gated S6 layer (params, u, delta, A, B, C, Dskip, z,
  // hidden_attention_channels): fills y and y_gated, and with `states` also Abar, Bbar, h, the
  // hidden attention and the eigenvalues (the captured layer).
  virtual void mamba_layer(SsmResults& r, bool states) const = 0;
  // a holds H causal heads' q, k, v [H, L, dh] (scale 1/sqrt(dh)): fills out, and with `maps`
  // also scores and probs [H, L, L] (the captured layer).
  virtual void gpt2_heads(AttentionResults& a, bool maps) const = 0;
};

struct RunOptions {
  int layer = 0;
  // Seqscope models: `layer` picks the panels of its kind (an `M`/`S` layer the SSM panels, a
  // `*` layer the attention panels); the other side shows attention_layer when it is >= 0 (it
  // must be a `*` layer), else the first layer of that kind. An MLP layer (`-`) has nothing to
  // show: both sides take their first layer.
  int attention_layer = -1;
  // Seqscope models: "reset the state at t" in one `M`/`S` layer (model::StateReset); the logits,
  // every later layer and the shown SSM layer (when it is that layer) reflect it.
  model::StateReset reset;
  // Hidden attention channels of the Mamba layer (empty = the first min(4, D) channels).
  std::vector<int> hidden_attention_channels;
  bool all_logits = true;  // false: logits of the last position only (rows L-1)
  const LayerKernels* kernels = nullptr;  // null: every layer on the CPU
};

class Model {
 public:
  // Opens dir/config.json and dir/model.safetensors; UserError (one line) on anything missing,
  // malformed or inconsistent.
  static std::unique_ptr<Model> open(const std::filesystem::path& dir);

  Architecture architecture() const { return arch_; }
  int n_layer() const;
  int vocab_size() const;
  int d_model() const;
  std::string describe() const;  // "mamba: 24 layers, d_model 768, ..."
  const MambaConfig& mamba() const { return mamba_; }
  const Gpt2Config& gpt2() const { return gpt2_; }
  const model::Parameters<float>& seqscope() const { return seqscope_; }
  // Seqscope folders: the task the model was trained on (its settings), when the folder names
  // one whose sizes fit; the dashboard shows the model on samples of it.
  const std::optional<TaskSpec>& trained_task() const { return task_; }

  // tokens: [L] ids in [0, vocab) -> logits and the chosen layer's tensors. UserError on an
  // empty sequence, an id out of range, a layer out of range or (GPT-2) L > n_positions.
  ModelRun run(const std::vector<int>& tokens, const RunOptions& options) const;

 private:
  Model() = default;
  ModelRun run_mamba(const std::vector<int>& tokens, const RunOptions& options) const;
  ModelRun run_gpt2(const std::vector<int>& tokens, const RunOptions& options) const;
  ModelRun run_seqscope(const std::vector<int>& tokens, const RunOptions& options) const;

  std::unique_ptr<SafetensorsFile> file_;
  Architecture arch_ = Architecture::Mamba;
  MambaConfig mamba_;
  Gpt2Config gpt2_;
  Weight embedding, norm_f;  // Mamba: [V, d], [d]
  std::vector<MambaLayer> mamba_layers_;
  Weight wte, wpe, lnf_w, lnf_b;  // GPT-2
  std::vector<Gpt2Layer> gpt2_layers_;
  model::Parameters<float> seqscope_;
  std::optional<TaskSpec> task_;
  friend struct ModelLoader;
};

// The hidden-attention channels shown by default: the first, a third, two thirds and the last
// of `channels` (fewer when they coincide).
std::vector<int> default_hidden_attention_channels(int channels);

// Top k (id, logit) of one logits row, highest first.
std::vector<std::pair<int, float>> top_k(const Eigen::Ref<const Eigen::RowVectorXf>& logits, int k);

}  // namespace seqscope::compute::checkpoint
