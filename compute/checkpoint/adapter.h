// Adapter from real models to the dashboard: a ModelRun's chosen layer becomes compute::Results,
// so the existing panels draw a real Mamba layer (SsmResults: u, delta, A, B, C, D, gate, h,
// hidden attention) and real GPT-2 heads (AttentionResults) on the user's text.
//
// Two models (a Mamba and a GPT-2 folder) each read the text with their own tokenizer: the SSM
// panels show the Mamba's tokens (Results::inputs, which the cursor t indexes), the attention
// panels the GPT-2's (Results::attention_tokens), aligned by byte offsets into the text.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "compute/backend/results.h"
#include "compute/checkpoint/model.h"
#include "compute/checkpoint/tokenizer.h"

namespace seqscope::compute::checkpoint {

// One opened model folder with its tokenizer (nullopt: UTF-8 bytes, with a notice).
struct LoadedModel {
  std::unique_ptr<Model> model;
  std::optional<Tokenizer> tokenizer;
  std::string name;    // the folder's name, e.g. "mamba-130m-hf"
  std::string notice;  // e.g. "no tokenizer.json: token ids are UTF-8 bytes"

  static LoadedModel open(const std::filesystem::path& dir);
  std::vector<int> encode(const std::string& text) const;
  std::string token_label(int id) const;  // printable UTF-8 of one token
  // What a token is: "tokens (byte-level BPE, vocab 50280)" or "UTF-8 bytes (no tokenizer.json)".
  std::string token_kind() const;
  // ids of `text` -> [L + 1] byte offsets of each token in it; UserError if they do not spell it.
  std::vector<int> text_offsets(const std::vector<int>& ids, const std::string& text) const;
};

// For each token of one tokenization (byte offsets [L + 1]) the token of another tokenization of
// the same text ([L2 + 1]) that covers its first byte: [L] indices into [0, L2).
std::vector<int> align_tokens(const std::vector<int>& from_offsets, const std::vector<int>& to_offsets);

struct NextToken {
  int id = 0;
  std::string label;
  float probability = 0.0f;
};

// One model's top-5 next tokens after each of its tokens (softmax of that row's logits).
struct Predictions {
  std::string model;            // the folder's name
  bool attention_side = false;  // rows index Results::attention_tokens.other, else Results::inputs
  std::vector<std::vector<NextToken>> top5;  // [L][5], most likely first
};

// What the dashboard shows for one text: Results for the panels, each model's predictions at
// every position (the Controls column shows the cursor's), and notices (byte fallback...).
struct ModelView {
  Results results;
  std::vector<Predictions> predictions;  // one per model shown
  std::string describe;
  std::string shown_layers;  // task models: "SSM panels: layer 0 M of mm · attention panels: layer 1 * of attn"
  std::vector<std::string> notices;
};

// Seqscope models trained on a task, on one sample of it: the strip shows the sample's roles
// and targets, and each model's predictions. primary fills the panels of the layers it shows
// (RunOptions: layer picks its kind's side, attention_layer the attention side); secondary
// (may be null) fills the side primary has no layer for, on the same tokens. UserError when a
// model is not a seqscope model or the sample has ids outside its vocabulary.
// reset: a state reset in primary (model::StateReset; none by default).
ModelView view_task_models(const LoadedModel& primary, const LoadedModel* secondary, const TaskSample& sample,
                           const TaskSpec& spec, int layer, int layer2, model::StateReset reset = {});

// primary fills the panels of its kind (Mamba -> SSM panels, GPT-2 -> attention panels);
// secondary (may be null) of the other kind fills the other panels with its own tokens.
// kernels (may be null: the CPU) run every layer's scan and attention heads.
ModelView view_models(const LoadedModel& primary, const LoadedModel* secondary, const std::string& text, int layer,
                      int layer2, const LayerKernels* kernels = nullptr);

// Fills results.session / inputs / ssm or attention from one run (its tensors are moved).
void fill_results(const Model& model, ModelRun&& run, const std::vector<std::string>& labels, Results& results);

}  // namespace seqscope::compute::checkpoint
