// ModelConfig: what a model is (its pattern and sizes) and how config.json spells it
// (docs/training.md, "The model" and "The folder"). One character of the pattern per layer,
// Nemotron-H's hybrid_override_pattern convention:
//   M  Mamba block (mamba_simple.Mamba: selective scan)      S  the same block, time-invariant (S4D)
//   *  causal softmax attention (RoPE)                       -  GELU MLP
// Every user-facing mistake (an unknown pattern character, a size out of range, a malformed
// config.json) throws UserError with one line.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace seqscope::compute::model {

// The pattern characters, in the order above.
inline constexpr const char* kPatternChars = "MS*-";

struct ModelConfig {
  std::string pattern = "MM";  // one character per layer
  int vocab_size = 16;
  int d_model = 64;
  int d_state = 16;             // N
  int d_conv = 4;               // the causal conv's width
  int expand = 2;               // di = expand * d_model
  int dt_rank = 0;              // R; 0 = ceil(d_model / 16), resolved by resolve_defaults
  int n_heads = 4;              // head_dim = d_model / n_heads
  double rope_theta = 10000.0;  // 0 = no positions
  int d_ff = 0;                 // 0 = 4 * d_model, resolved by resolve_defaults
  double norm_eps = 1e-5;
  // Task and training settings, carried through config.json untouched under "settings".
  nlohmann::json settings = nlohmann::json::object();

  int n_layer() const { return static_cast<int>(pattern.size()); }
  int d_inner() const { return expand * d_model; }
  int head_dim() const { return n_heads > 0 ? d_model / n_heads : 0; }
  bool has_kind(char kind) const { return pattern.find(kind) != std::string::npos; }
  bool all_mamba() const { return !pattern.empty() && pattern.find_first_not_of('M') == std::string::npos; }
};

// dt_rank 0 -> ceil(d_model / 16), d_ff 0 -> 4 * d_model.
void resolve_defaults(ModelConfig& config);

// Throws UserError with one line on the first problem: an unknown pattern character (named,
// with its position), d_model not divisible by n_heads (with a `*` layer), an odd head width
// with RoPE, a size out of its range (docs/training.md lists them). Expects resolved defaults.
void validate_config(const ModelConfig& config);

// config.json's object: "model_type": "seqscope", the fields above, "settings"; for an all-`M`
// pattern also the state-spaces fields (n_layer, ssm_cfg, rms_norm, ...), so mamba_ssm's
// MambaLMHeadModel reads the same folder.
nlohmann::json config_to_json(const ModelConfig& config);

// The reverse: model_type must be "seqscope"; pattern, vocab_size and d_model are required,
// the rest fall back to the defaults. State-spaces fields, when present, must agree. The
// result is resolved and validated. `label` names the source in errors (a path).
ModelConfig config_from_json(const nlohmann::json& json, const std::string& label);

}  // namespace seqscope::compute::model
