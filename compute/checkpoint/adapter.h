// Adapter from real models to the dashboard: a ModelRun's chosen layer becomes compute::Results,
// so the existing panels draw a real Mamba layer (SsmResults: u, delta, A, B, C, D, gate, h,
// hidden attention) and real GPT-2 heads (AttentionResults) on the user's text.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "compute/checkpoint/model.h"
#include "compute/checkpoint/tokenizer.h"
#include "compute/results.h"

namespace seqscope::compute::checkpoint {

// One opened model folder with its tokenizer (nullopt: UTF-8 bytes, with a notice).
struct LoadedModel {
  std::unique_ptr<Model> model;
  std::optional<Tokenizer> tokenizer;
  std::string notice;  // e.g. "no tokenizer.json: token ids are UTF-8 bytes"

  static LoadedModel open(const std::filesystem::path& dir);
  std::vector<int> encode(const std::string& text) const;
  std::string token_label(int id) const;  // printable UTF-8 of one token
};

// What the dashboard shows for one text: Results for the panels, the top-5 next tokens after
// the last position, and notices (byte fallback, mismatched lengths).
struct ModelView {
  Results results;
  std::vector<std::pair<std::string, float>> top5;  // label, probability
  std::string describe;
  std::vector<std::string> notices;
};

// primary fills the panels of its kind (Mamba -> SSM panels, GPT-2 -> attention panels);
// secondary (may be null) fills the other kind when it tokenizes `text` to the same length.
ModelView view_models(const LoadedModel& primary, const LoadedModel* secondary, const std::string& text, int layer,
                      int layer2);

// Fills results.session / inputs / ssm or attention from one run.
void fill_results(const Model& model, const ModelRun& run, const std::vector<std::string>& labels, Results& results);

}  // namespace seqscope::compute::checkpoint
