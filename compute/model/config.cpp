#include "compute/model/config.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/types.h"

namespace seqscope::compute::model {

namespace {

constexpr int kMaxLayers = 256;

struct IntRange {
  const char* name;
  int value;
  int lo, hi;
};

void check_range(const IntRange& r) {
  if (r.value < r.lo || r.value > r.hi)
    throw UserError("model config: " + std::string(r.name) + " " + std::to_string(r.value) + " is outside [" +
                    std::to_string(r.lo) + ", " + std::to_string(r.hi) + "]");
}

// A field of config.json, read with one-line errors naming the file and the field.
struct JsonReader {
  const nlohmann::json& json;
  const std::string& label;

  bool has(const char* key) const { return json.contains(key) && !json[key].is_null(); }
  [[noreturn]] void fail(const char* key, const char* expected) const {
    throw UserError(label + ": field '" + key + "' must be " + expected);
  }
  int get_int(const char* key, int fallback, bool required = false) const {
    if (!has(key)) {
      if (required) throw UserError(label + ": missing field '" + std::string(key) + "'");
      return fallback;
    }
    const auto& v = json[key];
    if (!v.is_number_integer()) fail(key, "an integer");
    const auto value = v.get<int64_t>();
    if (value < INT32_MIN || value > INT32_MAX) fail(key, "a 32-bit integer");
    return static_cast<int>(value);
  }
  double get_number(const char* key, double fallback) const {
    if (!has(key)) return fallback;
    const auto& v = json[key];
    if (!v.is_number()) fail(key, "a number");
    return v.get<double>();
  }
};

}  // namespace

void resolve_defaults(ModelConfig& config) {
  if (config.dt_rank == 0) config.dt_rank = (config.d_model + 15) / 16;
  if (config.d_ff == 0) config.d_ff = 4 * config.d_model;
}

void validate_config(const ModelConfig& c) {
  if (c.pattern.empty())
    throw UserError("model config: the pattern is empty (one character per layer: M S * -)");
  if (c.n_layer() > kMaxLayers)
    throw UserError("model config: the pattern has " + std::to_string(c.n_layer()) + " layers, more than " +
                    std::to_string(kMaxLayers));
  for (size_t i = 0; i < c.pattern.size(); ++i) {
    const char ch = c.pattern[i];
    if (ch == '\0' || std::strchr(kPatternChars, ch) == nullptr)
      throw UserError("model config: pattern '" + c.pattern + "' has an unknown character '" +
                      std::string(1, ch) + "' at position " + std::to_string(i) +
                      " (M Mamba, S time-invariant SSM, * attention, - MLP)");
  }
  check_range({"vocab_size", c.vocab_size, 2, 1 << 20});
  check_range({"d_model", c.d_model, 1, 8192});
  check_range({"d_state", c.d_state, 1, 1024});
  check_range({"d_conv", c.d_conv, 1, 64});
  check_range({"expand", c.expand, 1, 16});
  check_range({"dt_rank", c.dt_rank, 1, c.d_model});
  check_range({"d_ff", c.d_ff, 1, 65536});
  // The heads matter only to a `*` layer: an SSM-only model of any width keeps the default.
  if (c.has_kind('*')) {
    check_range({"n_heads", c.n_heads, 1, c.d_model});
    if (c.d_model % c.n_heads != 0)
      throw UserError("model config: d_model " + std::to_string(c.d_model) + " is not divisible by n_heads " +
                      std::to_string(c.n_heads));
  } else if (c.n_heads < 1) {
    check_range({"n_heads", c.n_heads, 1, c.d_model});
  }
  if (!(c.rope_theta == 0.0 || (c.rope_theta >= 1.0 && c.rope_theta <= 1e9)))
    throw UserError("model config: rope_theta " + std::to_string(c.rope_theta) +
                    " must be 0 (no positions) or in [1, 1e9]");
  if (c.rope_theta > 0.0 && c.has_kind('*') && c.head_dim() % 2 != 0)
    throw UserError("model config: RoPE needs an even head width, and d_model / n_heads is " +
                    std::to_string(c.head_dim()) + " (set rope_theta 0 or change n_heads)");
  if (!(c.norm_eps > 0.0 && c.norm_eps <= 1.0))
    throw UserError("model config: norm_eps " + std::to_string(c.norm_eps) + " is outside (0, 1]");
  if (!c.settings.is_object()) throw UserError("model config: settings must be a JSON object");
}

nlohmann::json config_to_json(const ModelConfig& c) {
  nlohmann::json j = nlohmann::json::object();
  j["model_type"] = "seqscope";
  j["pattern"] = c.pattern;
  j["vocab_size"] = c.vocab_size;
  j["d_model"] = c.d_model;
  j["d_state"] = c.d_state;
  j["d_conv"] = c.d_conv;
  j["expand"] = c.expand;
  j["dt_rank"] = c.dt_rank;
  j["n_heads"] = c.n_heads;
  j["rope_theta"] = c.rope_theta;
  j["d_ff"] = c.d_ff;
  j["norm_eps"] = c.norm_eps;
  j["settings"] = c.settings;
  if (c.all_mamba()) {
    // state-spaces' MambaConfig: the same folder opens in mamba_ssm's MambaLMHeadModel.
    j["n_layer"] = c.n_layer();
    nlohmann::json ssm = {{"d_state", c.d_state}, {"d_conv", c.d_conv}, {"expand", c.expand}};
    if (c.dt_rank != (c.d_model + 15) / 16) ssm["dt_rank"] = c.dt_rank;  // else mamba_ssm's "auto"
    j["ssm_cfg"] = ssm;
    j["rms_norm"] = true;
    j["residual_in_fp32"] = true;  // the residual stream is float32 here (everything is)
    j["fused_add_norm"] = false;
    j["pad_vocab_size_multiple"] = 1;
    j["tie_embeddings"] = true;
  }
  return j;
}

ModelConfig config_from_json(const nlohmann::json& json, const std::string& label) {
  if (!json.is_object()) throw UserError(label + ": not a JSON object");
  if (!json.contains("model_type") || json["model_type"] != "seqscope")
    throw UserError(label + ": not a seqscope model (\"model_type\" is " +
                    (json.contains("model_type") ? json["model_type"].dump() : std::string("missing")) +
                    ", expected \"seqscope\")");
  const JsonReader r{json, label};
  ModelConfig c;
  if (!r.has("pattern")) throw UserError(label + ": missing field 'pattern'");
  if (!json["pattern"].is_string()) r.fail("pattern", "a string");
  c.pattern = json["pattern"].get<std::string>();
  c.vocab_size = r.get_int("vocab_size", 0, true);
  c.d_model = r.get_int("d_model", 0, true);
  c.d_state = r.get_int("d_state", c.d_state);
  c.d_conv = r.get_int("d_conv", c.d_conv);
  c.expand = r.get_int("expand", c.expand);
  c.dt_rank = r.get_int("dt_rank", 0);
  c.n_heads = r.get_int("n_heads", c.n_heads);
  c.rope_theta = r.get_number("rope_theta", c.rope_theta);
  c.d_ff = r.get_int("d_ff", 0);
  c.norm_eps = r.get_number("norm_eps", c.norm_eps);
  if (r.has("settings")) {
    if (!json["settings"].is_object()) r.fail("settings", "a JSON object");
    c.settings = json["settings"];
  }
  resolve_defaults(c);
  try {
    validate_config(c);
  } catch (const UserError& e) {
    throw UserError(label + ": " + e.what());
  }
  // The state-spaces fields, when present, describe the same model.
  auto agree = [&](const char* field, bool same) {
    if (!same)
      throw UserError(label + ": field '" + std::string(field) + "' disagrees with the seqscope fields");
  };
  if (r.has("n_layer")) agree("n_layer", json["n_layer"] == c.n_layer());
  if (r.has("ssm_cfg")) {
    const auto& s = json["ssm_cfg"];
    if (!s.is_object()) r.fail("ssm_cfg", "a JSON object");
    const JsonReader sr{s, label};
    agree("ssm_cfg.d_state", sr.get_int("d_state", c.d_state) == c.d_state);
    agree("ssm_cfg.d_conv", sr.get_int("d_conv", c.d_conv) == c.d_conv);
    agree("ssm_cfg.expand", sr.get_int("expand", c.expand) == c.expand);
    if (sr.has("dt_rank") && s["dt_rank"].is_number()) agree("ssm_cfg.dt_rank", s["dt_rank"] == c.dt_rank);
  }
  return c;
}

}  // namespace seqscope::compute::model
