// Model runs -> Results: the session and inputs describe the real layer (L tokens, D = the
// layer's channels, N, H, dh) so that every panel's sizes agree with the tensors it reads.
//
// Index (each part starts at a "// [SECTION] name" line):
//   opening and tokens
//   alignment
//   results
//   two models
#include "compute/checkpoint/adapter.h"

#include <algorithm>
#include <cmath>

#include "core/utf8.h"

namespace seqscope::compute::checkpoint {

// [SECTION] opening and tokens

LoadedModel LoadedModel::open(const std::filesystem::path& dir) {
  LoadedModel loaded;
  loaded.model = Model::open(dir);
  // "models/gpt2/" has an empty filename(): name it by its last component.
  loaded.name = (dir.has_filename() ? dir : dir.parent_path()).filename().string();
  if (loaded.model->architecture() == Architecture::Seqscope) return loaded;  // task symbols, no text
  const auto path = dir / "tokenizer.json";
  if (std::filesystem::exists(path)) loaded.tokenizer = Tokenizer::from_file(path);
  else loaded.notice = loaded.name + " has no tokenizer.json: token ids are the text's UTF-8 bytes";
  return loaded;
}

std::vector<int> LoadedModel::encode(const std::string& text) const {
  return tokenizer ? tokenizer->encode(text) : byte_tokens(text);
}

std::string LoadedModel::token_kind() const {
  if (model->architecture() == Architecture::Seqscope)
    return "task symbols (vocab " + std::to_string(model->vocab_size()) + ")";
  if (!tokenizer) return "UTF-8 bytes (no tokenizer.json)";
  return "tokens (byte-level BPE, vocab " + std::to_string(tokenizer->vocab_size()) + ")";
}

std::vector<int> LoadedModel::text_offsets(const std::vector<int>& ids, const std::string& text) const {
  std::vector<int> offsets{0};
  offsets.reserve(ids.size() + 1);
  size_t at = 0;
  for (int id : ids) {
    // Byte-level BPE has no normalizer here, so the tokens' bytes spell the text exactly.
    const size_t n = tokenizer ? tokenizer->token_bytes(id).size() : 1;
    if (n == 0 || at + n > text.size()) break;
    at += n;
    offsets.push_back(static_cast<int>(at));
  }
  if (offsets.size() != ids.size() + 1 || at != text.size())
    throw UserError(name + ": its tokens do not spell the text, so they cannot be aligned with another model's");
  return offsets;
}

std::string LoadedModel::token_label(int id) const {
  if (model->architecture() == Architecture::Seqscope) return task_token_label(id);
  const std::string bytes = tokenizer ? tokenizer->token_bytes(id) : std::string(1, static_cast<char>(id));
  // Keep valid UTF-8 only; a partial character (one byte of an emoji) shows as U+FFFD.
  std::string out;
  for (size_t pos = 0; pos < bytes.size();) {
    const size_t len = utf8::char_length(bytes, pos);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++pos;
    } else {
      const char c = bytes[pos];
      out += c == '\n' ? std::string("\\n") : c == '\t' ? std::string("\\t") : bytes.substr(pos, len);
      pos += len;
    }
  }
  return out;
}

// [SECTION] alignment

std::vector<int> align_tokens(const std::vector<int>& from_offsets, const std::vector<int>& to_offsets) {
  const int to_count = static_cast<int>(to_offsets.size()) - 1;
  std::vector<int> aligned;
  if (to_count <= 0 || from_offsets.size() < 2) return aligned;
  aligned.reserve(from_offsets.size() - 1);
  for (size_t t = 0; t + 1 < from_offsets.size(); ++t) {
    // The last token whose start is <= this token's first byte covers that byte.
    const auto it = std::upper_bound(to_offsets.begin(), to_offsets.end() - 1, from_offsets[t]);
    aligned.push_back(std::clamp(static_cast<int>(it - to_offsets.begin()) - 1, 0, to_count - 1));
  }
  return aligned;
}

// [SECTION] results

namespace {

// The SSM panels' session fields for the layer in results.ssm.
void describe_ssm_side(const Model& model, Session& s, const SsmResults& r) {
  const bool lti = r.lti;  // a seqscope `S` layer
  s.d_model = r.D;
  s.ssm.variant = lti ? SsmVariant::S4D : SsmVariant::S6;
  s.ssm.state_size = r.N;
  s.ssm.discretization = lti ? Discretization::Zoh : Discretization::Mamba;
  s.ssm.conv_width = model.architecture() == Architecture::Mamba ? model.mamba().d_conv
                                                                  : model.seqscope().config.d_conv;
  s.ssm.gate = true;
  s.ssm.bidirectional = false;
  s.ssm.hidden_attention_channels = r.hidden_attention_channels;
}

// The attention panels' session fields for the heads in results.attention.
void describe_attention_side(const Model& model, Session& s, const AttentionResults& a) {
  s.attention.kind = AttentionKind::Softmax;
  s.attention.heads = a.H;
  s.attention.head_dim = a.dh;
  s.attention.mask = MaskKind::Causal;
  // GPT-2's learned positions are already in the stream; seqscope's `*` layers rotate q and k.
  const bool rope = model.architecture() == Architecture::Seqscope && model.seqscope().config.rope_theta > 0.0;
  s.attention.positional = rope ? Positional::Rope : Positional::None;
  s.attention.temperature = 1.0;
}

}  // namespace

void fill_results(const Model& model, ModelRun&& run, const std::vector<std::string>& labels, Results& results) {
  const int L = static_cast<int>(run.tokens.size());
  Session& s = results.session;
  Inputs& in = results.inputs;
  in.tokens = run.tokens;
  in.labels = labels;
  in.roles.assign(static_cast<size_t>(L), TokenRole::Data);  // "token id N" in the tokens panel
  in.targets.assign(static_cast<size_t>(L), -1);
  in.vocab = model.vocab_size();
  s.input.kind = InputKind::Text;
  s.input.length = L;
  if (run.attention_layer >= 0) {
    results.attention = std::move(run.attention);
    describe_attention_side(model, s, results.attention);
    s.d_model = model.d_model();
    in.u = std::move(run.layer_input);
  }
  if (run.ssm_layer >= 0) {
    results.ssm = std::move(run.ssm);  // moved, not copied: h, Abar, Bbar are [L, E, N] each
    describe_ssm_side(model, s, results.ssm);
    in.u = results.ssm.u;  // the scan's input: the panels pair channel d of u with channel d of y
  }
}

// [SECTION] two models

namespace {

std::vector<NextToken> top5_of(const LoadedModel& loaded, const Eigen::Ref<const Eigen::RowVectorXf>& logits) {
  const float max = logits.maxCoeff();
  const double sum = (logits.array() - max).exp().cast<double>().sum();
  std::vector<NextToken> top;
  for (const auto& [id, logit] : top_k(logits, 5))
    top.push_back({id, loaded.token_label(id), static_cast<float>(std::exp(double(logit - max)) / sum)});
  return top;
}

// One model on the text: the Results of its layer on its own tokens, and its predictions.
struct Shown {
  Results results;
  Predictions predictions;
  std::string ssm_layer, attention_layer;  // task models: "layer 0 M of mm", "" when none
};

Shown show_model(const LoadedModel& loaded, const std::string& text, int layer, const LayerKernels* kernels) {
  const std::vector<int> tokens = loaded.encode(text);
  RunOptions options;
  options.layer = layer;
  options.all_logits = true;  // the top-5 after every token: the Controls column follows the cursor
  options.kernels = kernels;
  ModelRun run = loaded.model->run(tokens, options);
  std::vector<std::string> labels;
  for (int id : tokens) labels.push_back(loaded.token_label(id));
  Shown shown;
  shown.predictions.model = loaded.name;
  for (Eigen::Index t = 0; t < run.logits.rows(); ++t) shown.predictions.top5.push_back(top5_of(loaded, run.logits.row(t)));
  fill_results(*loaded.model, std::move(run), labels, shown.results);
  Inputs& in = shown.results.inputs;
  in.text_offsets = loaded.text_offsets(tokens, text);
  in.source = loaded.name;
  in.token_kind = loaded.token_kind();
  return shown;
}

// The Mamba's Results with the GPT-2's heads and tokens added, aligned by text offset.
Results combine(Shown& ssm_side, Shown& attention_side) {
  Results combined = std::move(ssm_side.results);
  Results& other = attention_side.results;
  combined.attention = std::move(other.attention);
  combined.session.attention = other.session.attention;
  TokenAlignment& align = combined.attention_tokens;
  align.other = std::move(other.inputs);
  align.to_other = align_tokens(combined.inputs.text_offsets, align.other.text_offsets);
  align.from_other = align_tokens(align.other.text_offsets, combined.inputs.text_offsets);
  attention_side.predictions.attention_side = true;
  return combined;
}

}  // namespace

ModelView view_models(const LoadedModel& primary, const LoadedModel* secondary, const std::string& text, int layer,
                      int layer2, const LayerKernels* kernels) {
  if (text.empty()) throw UserError("the text is empty: type at least one character");
  ModelView view;
  Shown first = show_model(primary, text, layer, kernels);
  view.describe = primary.model->describe();
  if (!primary.notice.empty()) view.notices.push_back(primary.notice);
  if (secondary && secondary->model->architecture() == primary.model->architecture()) {
    view.notices.push_back("--model2 has the same architecture as --model: only --model is shown");
    secondary = nullptr;
  }
  if (!secondary) {
    view.results = std::move(first.results);
    view.predictions.push_back(std::move(first.predictions));
  } else {
    Shown second = show_model(*secondary, text, std::min(layer2, secondary->model->n_layer() - 1), kernels);
    if (!secondary->notice.empty()) view.notices.push_back(secondary->notice);
    const bool primary_is_ssm = primary.model->architecture() == Architecture::Mamba;
    view.results = primary_is_ssm ? combine(first, second) : combine(second, first);
    view.predictions.push_back(std::move(first.predictions));
    view.predictions.push_back(std::move(second.predictions));
    view.describe += " | " + secondary->model->describe();
  }
  view.results.backend = kernels ? "checkpoint + " + kernels->name() : "checkpoint";
  return view;
}

// [SECTION] task models

namespace {

Shown show_task_model(const LoadedModel& loaded, const TaskSample& sample, const TaskSpec& spec, int layer,
                      int attention_layer, model::StateReset reset = {}) {
  if (loaded.model->architecture() != Architecture::Seqscope)
    throw UserError(loaded.name + " is not a seqscope model: task samples need a model made by seqscope train");
  RunOptions options;
  options.layer = layer;
  options.attention_layer = attention_layer;
  options.reset = reset;
  ModelRun run = loaded.model->run(sample.tokens, options);
  const std::string& pattern = loaded.model->seqscope().config.pattern;
  const auto layer_text = [&](int i) {
    return i < 0 ? std::string() : "layer " + std::to_string(i) + " " + pattern[static_cast<size_t>(i)] + " of " + loaded.name;
  };
  std::vector<std::string> labels;
  for (int id : sample.tokens) labels.push_back(task_token_label(id));
  Shown shown;
  shown.ssm_layer = layer_text(run.ssm_layer);
  shown.attention_layer = layer_text(run.attention_layer);
  shown.predictions.model = loaded.name;
  for (Eigen::Index t = 0; t < run.logits.rows(); ++t) shown.predictions.top5.push_back(top5_of(loaded, run.logits.row(t)));
  shown.results.logits = run.logits;
  fill_results(*loaded.model, std::move(run), labels, shown.results);
  Inputs& in = shown.results.inputs;
  in.roles = sample.roles;
  in.targets = sample.targets;
  in.vocab = spec.vocab;
  InputConfig& input = shown.results.session.input;
  input.kind = InputKind::Task;
  input.task = spec.kind;
  input.vocab = spec.vocab;
  input.num_tokens = spec.num_tokens;
  input.num_queries = spec.num_queries;
  input.lag = spec.lag;
  return shown;
}

// The side of `to` that `from` fills: its SSM layer where `to` has none, its heads likewise.
void fill_missing_side(Shown& from, Shown& to, std::vector<std::string>& notices, const std::string& name) {
  const bool ssm = to.results.ssm.L == 0 && from.results.ssm.L > 0;
  const bool attention = to.results.attention.L == 0 && from.results.attention.L > 0;
  if (!ssm && !attention) {
    notices.push_back("--model2 adds no panels: --model already fills the SSM and attention panels it can (" + name +
                      " is in the predictions only)");
    return;
  }
  if (ssm) {
    to.results.ssm = std::move(from.results.ssm);
    to.results.session.ssm = from.results.session.ssm;
    to.results.session.d_model = from.results.session.d_model;
    to.results.inputs.u = from.results.inputs.u;
    to.ssm_layer = from.ssm_layer;
  }
  if (attention) {
    to.results.attention = std::move(from.results.attention);
    to.results.session.attention = from.results.session.attention;
    to.attention_layer = from.attention_layer;
  }
}

}  // namespace

ModelView view_task_models(const LoadedModel& primary, const LoadedModel* secondary, const TaskSample& sample,
                           const TaskSpec& spec, int layer, int layer2, model::StateReset reset) {
  ModelView view;
  Shown first = show_task_model(primary, sample, spec, layer, -1, reset);
  view.describe = primary.model->describe();
  std::optional<Shown> second;
  if (secondary) {
    second = show_task_model(*secondary, sample, spec, layer2, -1);
    fill_missing_side(*second, first, view.notices, secondary->name);
    view.describe += " | " + secondary->model->describe();
  }
  view.shown_layers = "SSM panels: " + (first.ssm_layer.empty() ? std::string("none") : first.ssm_layer) +
                      " · attention panels: " +
                      (first.attention_layer.empty() ? std::string("none") : first.attention_layer);
  view.results = std::move(first.results);
  // The strip marks the first model's answers right or wrong.
  std::vector<int>& predicted = view.results.inputs.predicted;
  for (const auto& top : first.predictions.top5) predicted.push_back(top.empty() ? -1 : top.front().id);
  view.predictions.push_back(std::move(first.predictions));
  if (second) view.predictions.push_back(std::move(second->predictions));
  view.results.inputs.source = primary.name + (secondary ? " | " + secondary->name : "");
  view.results.backend = "model engine";
  return view;
}

}  // namespace seqscope::compute::checkpoint
