// Model runs -> Results: the session and inputs describe the real layer (L tokens, D = the
// layer's channels, N, H, dh) so that every panel's sizes agree with the tensors it reads.
#include "compute/checkpoint/adapter.h"

#include <cmath>

#include "compute/utf8.h"

namespace seqscope::compute::checkpoint {

LoadedModel LoadedModel::open(const std::filesystem::path& dir) {
  LoadedModel loaded;
  loaded.model = Model::open(dir);
  const auto path = dir / "tokenizer.json";
  if (std::filesystem::exists(path)) loaded.tokenizer = Tokenizer::from_file(path);
  else loaded.notice = dir.filename().string() + " has no tokenizer.json: token ids are the text's UTF-8 bytes";
  return loaded;
}

std::vector<int> LoadedModel::encode(const std::string& text) const {
  return tokenizer ? tokenizer->encode(text) : byte_tokens(text);
}

std::string LoadedModel::token_label(int id) const {
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

void fill_results(const Model& model, const ModelRun& run, const std::vector<std::string>& labels, Results& results) {
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
  if (model.architecture() == Architecture::Mamba) {
    const SsmResults& r = run.ssm;
    results.ssm = r;
    in.u = r.u;  // the scan's input: the panels pair channel d of u with channel d of y
    s.d_model = r.D;
    s.ssm.variant = SsmVariant::S6;
    s.ssm.state_size = r.N;
    s.ssm.discretization = Discretization::Mamba;
    s.ssm.conv_width = model.mamba().d_conv;
    s.ssm.gate = true;
    s.ssm.bidirectional = false;
    s.ssm.hidden_attention_channels = r.hidden_attention_channels;
  } else {
    const AttentionResults& a = run.attention;
    results.attention = a;
    in.u = run.layer_input;
    s.d_model = model.d_model();
    s.attention.kind = AttentionKind::Softmax;
    s.attention.heads = a.H;
    s.attention.head_dim = a.dh;
    s.attention.mask = MaskKind::Causal;
    s.attention.positional = Positional::None;  // GPT-2's learned positions are already in the stream
    s.attention.temperature = 1.0;
  }
}

ModelView view_models(const LoadedModel& primary, const LoadedModel* secondary, const std::string& text, int layer,
                      int layer2) {
  ModelView view;
  const std::vector<int> tokens = primary.encode(text);
  RunOptions options;
  options.layer = layer;
  options.all_logits = false;  // the top-5 needs the last row only
  const ModelRun run = primary.model->run(tokens, options);
  std::vector<std::string> labels;
  for (int id : tokens) labels.push_back(primary.token_label(id));
  fill_results(*primary.model, run, labels, view.results);
  view.results.backend = "checkpoint";
  view.describe = primary.model->describe();
  if (!primary.notice.empty()) view.notices.push_back(primary.notice);
  // Softmax of the last row for the top-5 next tokens.
  const Eigen::RowVectorXf last = run.logits.row(run.logits.rows() - 1);
  const float max = last.maxCoeff();
  const double sum = (last.array() - max).exp().cast<double>().sum();
  for (const auto& [id, logit] : top_k(last, 5))
    view.top5.emplace_back(primary.token_label(id), static_cast<float>(std::exp(double(logit - max)) / sum));
  if (!secondary) return view;
  if (secondary->model->architecture() == primary.model->architecture()) {
    view.notices.push_back("--model2 has the same architecture as --model: only --model is shown");
    return view;
  }
  const std::vector<int> tokens2 = secondary->encode(text);
  if (tokens2.size() != tokens.size()) {
    view.notices.push_back("--model2 splits the text into " + std::to_string(tokens2.size()) + " tokens, --model into " +
                           std::to_string(tokens.size()) + ": only --model is shown");
    return view;
  }
  RunOptions options2;
  options2.layer = std::min(layer2, secondary->model->n_layer() - 1);
  options2.all_logits = false;
  const ModelRun run2 = secondary->model->run(tokens2, options2);
  Results other;
  fill_results(*secondary->model, run2, labels, other);
  if (secondary->model->architecture() == Architecture::Gpt2) {
    view.results.attention = std::move(other.attention);
    view.results.session.attention = other.session.attention;
  } else {
    view.results.ssm = std::move(other.ssm);
    view.results.session.ssm = other.session.ssm;
    view.results.session.d_model = other.session.d_model;
    view.results.inputs.u = other.inputs.u;
  }
  view.describe += " | " + secondary->model->describe();
  return view;
}

}  // namespace seqscope::compute::checkpoint
