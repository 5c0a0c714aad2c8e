// Trained models a preset or a lesson step shows instead of a synthetic session: what
// --model / --model2 / --layer / --layer2 / --sample open, as a JSON "model" object
// ({"name": "zoo:NAME", "model2", "layer", "layer2", "sample", "trained_steps"}).
#pragma once
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace seqscope::compute {

struct ShownModels {
  std::string model;   // "zoo:NAME" or a folder; "" = a session is shown
  std::string model2;  // "" = none
  int layer = 0, layer2 = 0;
  uint64_t sample = 0;
  int trained_steps = -1;  // >= 0: model retrained from its recipe and stopped after that step
  bool shown() const { return !model.empty(); }
  bool operator==(const ShownModels&) const = default;
};

// A "model" object; an empty object gives none. UserError naming `where` and the key for an
// unknown key, a missing name or a negative number.
ShownModels shown_models_from_json(const nlohmann::json& object, const std::string& where);

// A non-negative integer `key` of `object` (0 when absent); UserError naming `where` otherwise.
int non_negative_field(const nlohmann::json& object, const char* key, const std::string& where);

}  // namespace seqscope::compute
