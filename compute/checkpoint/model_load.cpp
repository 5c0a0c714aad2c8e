// Model::open: config.json -> architecture and sizes, model.safetensors -> weights bound by
// name with their expected shapes. Every mismatch is one UserError line naming the file.
//
// Index (each part starts at a "// [SECTION] name" line):
//   weights bound by name
//   config.json
//   Model::open, describe, run
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "compute/checkpoint/model.h"
#include "compute/checkpoint/seqscope_folder.h"
#include "compute/session/session_schema.h"

namespace seqscope::compute::checkpoint {

// [SECTION] weights bound by name

struct ModelLoader {
  const SafetensorsIndex& index;

  std::string shape_text(const std::vector<int64_t>& shape) const {
    std::string out = "[";
    for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
    return out + "]";
  }

  // Binds `name`, which must have exactly `shape` (the 2-D view is [shape[0], rest]).
  Weight bind(const std::string& name, const std::vector<int64_t>& shape) const {
    const TensorView& view = index.at(name);
    if (view.shape != shape)
      throw UserError(index.label() + ": tensor '" + name + "' has shape " + shape_text(view.shape) + ", expected " +
                      shape_text(shape));
    Weight w;
    w.rows = shape.empty() ? 1 : shape[0];
    w.cols = w.rows == 0 ? 0 : view.count() / std::max<int64_t>(w.rows, 1);
    const size_t n = static_cast<size_t>(view.count());
    if (view.dtype == Dtype::F32 && reinterpret_cast<uintptr_t>(view.data) % alignof(float) == 0) {
      w.data = reinterpret_cast<const float*>(view.data);  // in place: no copy of the mapping
      return w;
    }
    w.owned.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const unsigned char* p = view.data + i * dtype_size(view.dtype);
      uint16_t half = 0;
      switch (view.dtype) {
        case Dtype::F32:
          std::memcpy(&w.owned[i], p, 4);
          break;
        case Dtype::F16:
          std::memcpy(&half, p, 2);
          w.owned[i] = half_to_float(half);
          break;
        case Dtype::BF16:
          std::memcpy(&half, p, 2);
          w.owned[i] = bfloat16_to_float(half);
          break;
        default:
          throw UserError(index.label() + ": tensor '" + name + "' has dtype " + dtype_name(view.dtype) +
                          "; weights must be F32, F16 or BF16");
      }
    }
    w.data = w.owned.data();
    return w;
  }
  Weight bind_optional(const std::string& name, const std::vector<int64_t>& shape) const {
    return index.contains(name) ? bind(name, shape) : Weight{};
  }
};

namespace {

constexpr int64_t kMaxDim = 1 << 20;

// [SECTION] config.json

nlohmann::json read_config(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw UserError(path.string() + ": cannot read (a model folder needs config.json)");
  if (size > (1u << 20)) throw UserError(path.string() + ": larger than 1 MB");
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception&) {
    throw UserError(path.string() + ": not valid JSON");
  }
  if (!config.is_object()) throw UserError(path.string() + ": not a JSON object");
  return config;
}

struct ConfigReader {
  const nlohmann::json& json;
  std::string label;
  bool has(const char* key) const { return json.contains(key) && !json[key].is_null(); }
  int get(const char* key, std::optional<int> fallback = std::nullopt) const {
    if (!has(key)) {
      if (fallback) return *fallback;
      throw UserError(label + ": missing field '" + key + "'");
    }
    const auto& v = json[key];
    if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > kMaxDim)
      throw UserError(label + ": field '" + key + "' must be an integer in [1, " + std::to_string(kMaxDim) + "]");
    return static_cast<int>(v.get<int64_t>());
  }
  double get_eps(const char* key) const {
    if (!has(key)) return 1e-5;
    const auto& v = json[key];
    if (!v.is_number() || !(v.get<double>() > 0.0) || v.get<double>() > 1.0)
      throw UserError(label + ": field '" + std::string(key) + "' must be a number in (0, 1]");
    return v.get<double>();
  }
};

MambaConfig parse_mamba(const nlohmann::json& json, const std::string& label) {
  const ConfigReader c{json, label};
  MambaConfig m;
  if (c.has("d_model")) {  // state-spaces layout
    m.d_model = c.get("d_model");
    m.n_layer = c.get("n_layer");
    m.vocab_size = c.get("vocab_size");
    if (c.has("ssm_cfg")) {
      if (!json["ssm_cfg"].is_object()) throw UserError(label + ": field 'ssm_cfg' must be an object");
      const ConfigReader s{json["ssm_cfg"], label + " ssm_cfg"};
      if (s.has("layer") && json["ssm_cfg"]["layer"] != "Mamba1")
        throw UserError(label + ": ssm_cfg.layer " + json["ssm_cfg"]["layer"].dump() + " is not supported (Mamba1 only)");
      m.d_state = s.get("d_state", 16);
      m.d_conv = s.get("d_conv", 4);
      m.expand = s.get("expand", 2);
      m.dt_rank = s.has("dt_rank") && json["ssm_cfg"]["dt_rank"].is_number() ? s.get("dt_rank") : 0;
    }
    m.eps = 1e-5;
  } else {  // transformers' -hf layout
    m.hf_layout = true;
    m.d_model = c.get("hidden_size");
    m.n_layer = c.get("num_hidden_layers");
    m.vocab_size = c.get("vocab_size");
    m.d_state = c.get("state_size", 16);
    m.d_conv = c.get("conv_kernel", 4);
    m.expand = c.get("expand", 2);
    m.dt_rank = c.has("time_step_rank") && json["time_step_rank"].is_number() ? c.get("time_step_rank") : 0;
    m.eps = c.get_eps("layer_norm_epsilon");
  }
  if (m.dt_rank == 0) m.dt_rank = (m.d_model + 15) / 16;  // "auto": ceil(d_model / 16)
  if (static_cast<int64_t>(m.expand) * m.d_model > kMaxDim) throw UserError(label + ": expand * d_model is too large");
  return m;
}

Gpt2Config parse_gpt2(const nlohmann::json& json, const std::string& label) {
  const ConfigReader c{json, label};
  Gpt2Config g;
  g.n_embd = c.get("n_embd");
  g.n_layer = c.get("n_layer");
  g.n_head = c.get("n_head");
  g.vocab_size = c.get("vocab_size");
  g.n_positions = c.get("n_positions", 1024);
  g.eps = c.get_eps("layer_norm_epsilon");
  if (g.n_embd % g.n_head != 0) throw UserError(label + ": n_embd is not a multiple of n_head");
  if (c.has("activation_function")) {
    const auto& act = json["activation_function"];
    if (act != "gelu_new" && act != "gelu_pytorch_tanh")
      throw UserError(label + ": activation_function " + act.dump() + " is not supported (gelu_new only)");
  }
  if (c.has("n_inner") && c.get("n_inner") != 4 * g.n_embd)
    throw UserError(label + ": n_inner other than 4 * n_embd is not supported");
  return g;
}

bool is_gpt2(const nlohmann::json& json) {
  if (json.contains("model_type") && json["model_type"].is_string()) return json["model_type"] == "gpt2";
  return json.contains("n_embd");
}

// A folder made by `seqscope train` (docs/training.md, "The folder"): model_type "seqscope".
bool is_seqscope(const nlohmann::json& json) {
  return json.contains("model_type") && json["model_type"] == "seqscope";
}

bool is_mamba(const nlohmann::json& json) {
  if (is_seqscope(json)) return false;  // even all-M ones: they run on the model engine
  if (json.contains("model_type") && json["model_type"].is_string()) return json["model_type"] == "mamba";
  return json.contains("d_model") || json.contains("state_size");
}

// The task in a seqscope folder's settings, when its sizes fit the model's vocabulary.
std::optional<TaskSpec> task_in_settings(const model::ModelConfig& config) {
  if (!config.settings.contains("task")) return std::nullopt;
  TaskSpec base;
  base.vocab = config.vocab_size;
  std::optional<TaskSpec> task = task_from_json(config.settings["task"], base);
  if (!task || task->vocab > config.vocab_size || !task_problem(*task).empty()) return std::nullopt;
  return task;
}

}  // namespace

// [SECTION] Model::open, describe, run

std::unique_ptr<Model> Model::open(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir)) throw UserError(dir.string() + ": not a model folder");
  const auto config_path = dir / "config.json";
  const nlohmann::json json = read_config(config_path);
  std::unique_ptr<Model> model(new Model());
  const std::string label = config_path.string();
  if (is_seqscope(json)) {
    model->arch_ = Architecture::Seqscope;
    model->seqscope_ = load_model_folder(dir);
    model->task_ = task_in_settings(model->seqscope_.config);
    return model;
  }
  if (is_gpt2(json)) {
    model->arch_ = Architecture::Gpt2;
    model->gpt2_ = parse_gpt2(json, label);
  } else if (is_mamba(json)) {
    model->arch_ = Architecture::Mamba;
    model->mamba_ = parse_mamba(json, label);
  } else {
    throw UserError(label + ": unknown architecture (supported: mamba, gpt2, seqscope)");
  }
  const auto weights_path = dir / "model.safetensors";
  if (!std::filesystem::exists(weights_path)) throw UserError(weights_path.string() + ": missing");
  model->file_ = std::make_unique<SafetensorsFile>(weights_path);
  const ModelLoader loader{model->file_->index()};
  const SafetensorsIndex& index = model->file_->index();

  if (model->arch_ == Architecture::Mamba) {
    MambaConfig& m = model->mamba_;
    const std::string emb_name = m.hf_layout ? "backbone.embeddings.weight" : "backbone.embedding.weight";
    const TensorView& emb = index.at(emb_name);
    // The embedding is padded to a multiple (50277 -> 50280 for mamba-130m): its rows are the vocab.
    if (emb.shape.size() != 2 || emb.shape[1] != m.d_model || emb.shape[0] < m.vocab_size)
      throw UserError(index.label() + ": tensor '" + emb_name + "' has shape " + loader.shape_text(emb.shape) +
                      ", expected [>= " + std::to_string(m.vocab_size) + ", " + std::to_string(m.d_model) + "]");
    m.vocab_size = static_cast<int>(emb.shape[0]);
    model->embedding = loader.bind(emb_name, emb.shape);
    model->norm_f = loader.bind("backbone.norm_f.weight", {m.d_model});
    const int64_t d = m.d_model, e = m.d_inner(), n = m.d_state, r = m.dt_rank;
    for (int i = 0; i < m.n_layer; ++i) {
      const std::string p = "backbone.layers." + std::to_string(i) + ".";
      MambaLayer layer;
      layer.norm = loader.bind(p + "norm.weight", {d});
      layer.in_proj = loader.bind(p + "mixer.in_proj.weight", {2 * e, d});
      layer.in_proj_bias = loader.bind_optional(p + "mixer.in_proj.bias", {2 * e});
      layer.conv_w = loader.bind(p + "mixer.conv1d.weight", {e, 1, m.d_conv});
      layer.conv_b = loader.bind_optional(p + "mixer.conv1d.bias", {e});
      layer.x_proj = loader.bind(p + "mixer.x_proj.weight", {r + 2 * n, e});
      layer.dt_w = loader.bind(p + "mixer.dt_proj.weight", {e, r});
      layer.dt_b = loader.bind(p + "mixer.dt_proj.bias", {e});
      layer.A_log = loader.bind(p + "mixer.A_log", {e, n});
      layer.D = loader.bind(p + "mixer.D", {e});
      layer.out_proj = loader.bind(p + "mixer.out_proj.weight", {d, e});
      layer.out_proj_bias = loader.bind_optional(p + "mixer.out_proj.bias", {d});
      model->mamba_layers_.push_back(std::move(layer));
    }
  } else {
    Gpt2Config& g = model->gpt2_;
    g.prefix = index.contains("transformer.wte.weight") ? "transformer." : "";
    const int64_t d = g.n_embd;
    model->wte = loader.bind(g.prefix + "wte.weight", {g.vocab_size, d});
    model->wpe = loader.bind(g.prefix + "wpe.weight", {g.n_positions, d});
    model->lnf_w = loader.bind(g.prefix + "ln_f.weight", {d});
    model->lnf_b = loader.bind(g.prefix + "ln_f.bias", {d});
    for (int i = 0; i < g.n_layer; ++i) {
      const std::string p = g.prefix + "h." + std::to_string(i) + ".";
      Gpt2Layer layer;
      layer.ln1_w = loader.bind(p + "ln_1.weight", {d});
      layer.ln1_b = loader.bind(p + "ln_1.bias", {d});
      layer.attn_w = loader.bind(p + "attn.c_attn.weight", {d, 3 * d});  // Conv1D: [in, out]
      layer.attn_b = loader.bind(p + "attn.c_attn.bias", {3 * d});
      layer.attn_proj_w = loader.bind(p + "attn.c_proj.weight", {d, d});
      layer.attn_proj_b = loader.bind(p + "attn.c_proj.bias", {d});
      layer.ln2_w = loader.bind(p + "ln_2.weight", {d});
      layer.ln2_b = loader.bind(p + "ln_2.bias", {d});
      layer.fc_w = loader.bind(p + "mlp.c_fc.weight", {d, 4 * d});
      layer.fc_b = loader.bind(p + "mlp.c_fc.bias", {4 * d});
      layer.mlp_proj_w = loader.bind(p + "mlp.c_proj.weight", {4 * d, d});
      layer.mlp_proj_b = loader.bind(p + "mlp.c_proj.bias", {d});
      model->gpt2_layers_.push_back(std::move(layer));
    }
  }
  return model;
}

int Model::n_layer() const {
  switch (arch_) {
    case Architecture::Mamba: return mamba_.n_layer;
    case Architecture::Gpt2: return gpt2_.n_layer;
    case Architecture::Seqscope: return seqscope_.config.n_layer();
  }
  return 0;
}
int Model::vocab_size() const {
  switch (arch_) {
    case Architecture::Mamba: return mamba_.vocab_size;
    case Architecture::Gpt2: return gpt2_.vocab_size;
    case Architecture::Seqscope: return seqscope_.config.vocab_size;
  }
  return 0;
}
int Model::d_model() const {
  switch (arch_) {
    case Architecture::Mamba: return mamba_.d_model;
    case Architecture::Gpt2: return gpt2_.n_embd;
    case Architecture::Seqscope: return seqscope_.config.d_model;
  }
  return 0;
}

std::string Model::describe() const {
  if (arch_ == Architecture::Seqscope) {
    const model::ModelConfig& c = seqscope_.config;
    std::string text = "seqscope " + c.pattern + ": " + std::to_string(c.n_layer()) + " layers, d_model " +
                       std::to_string(c.d_model);
    if (c.has_kind('M') || c.has_kind('S')) text += ", d_state " + std::to_string(c.d_state);
    if (c.has_kind('*')) text += ", " + std::to_string(c.n_heads) + " heads";
    text += ", vocab " + std::to_string(c.vocab_size);
    if (task_) text += ", trained on " + std::string(schema::enum_name(task_->kind));
    return text;
  }
  if (arch_ == Architecture::Mamba)
    return "mamba (" + std::string(mamba_.hf_layout ? "transformers" : "state-spaces") + " layout): " +
           std::to_string(mamba_.n_layer) + " layers, d_model " + std::to_string(mamba_.d_model) + ", d_state " +
           std::to_string(mamba_.d_state) + ", vocab " + std::to_string(mamba_.vocab_size);
  return "gpt2: " + std::to_string(gpt2_.n_layer) + " layers, d_model " + std::to_string(gpt2_.n_embd) + ", " +
         std::to_string(gpt2_.n_head) + " heads, vocab " + std::to_string(gpt2_.vocab_size);
}

ModelRun Model::run(const std::vector<int>& tokens, const RunOptions& options) const {
  if (tokens.empty()) throw UserError("model: the text has no tokens");
  for (int id : tokens)
    if (id < 0 || id >= vocab_size())
      throw UserError("model: token id " + std::to_string(id) + " is outside the vocabulary [0, " +
                      std::to_string(vocab_size()) + ")");
  if (options.layer < 0 || options.layer >= n_layer())
    throw UserError("model: layer " + std::to_string(options.layer) + " is outside [0, " + std::to_string(n_layer()) + ")");
  switch (arch_) {
    case Architecture::Mamba: return run_mamba(tokens, options);
    case Architecture::Gpt2: return run_gpt2(tokens, options);
    case Architecture::Seqscope: break;
  }
  return run_seqscope(tokens, options);
}

std::vector<std::pair<int, float>> top_k(const Eigen::Ref<const Eigen::RowVectorXf>& logits, int k) {
  std::vector<std::pair<int, float>> all;
  all.reserve(static_cast<size_t>(logits.size()));
  for (int i = 0; i < logits.size(); ++i) all.emplace_back(i, logits[i]);
  k = std::min<int>(k, static_cast<int>(all.size()));
  std::partial_sort(all.begin(), all.begin() + k, all.end(),
                    [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  all.resize(static_cast<size_t>(k));
  return all;
}

}  // namespace seqscope::compute::checkpoint
