// ShownModels from JSON (shown_models.h).
#include "compute/session/shown_models.h"

#include <nlohmann/json.hpp>

#include <set>

#include "core/types.h"

namespace seqscope::compute {

int non_negative_field(const nlohmann::json& object, const char* key, const std::string& where) {
  const nlohmann::json& value = object.value(key, nlohmann::json(0));
  if (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<int64_t>() > 1'000'000'000)
    throw UserError(where + ": \"" + key + "\" must be a non-negative integer");
  return value.get<int>();
}

ShownModels shown_models_from_json(const nlohmann::json& object, const std::string& where) {
  static const std::set<std::string> k_keys{"name", "model2", "layer", "layer2", "sample", "trained_steps"};
  if (object.is_null() || (object.is_object() && object.empty())) return {};
  if (!object.is_object()) throw UserError(where + " must be a JSON object");
  for (const auto& item : object.items())
    if (!k_keys.contains(item.key())) throw UserError(where + ": unknown key \"" + item.key() + "\"");
  if (!object.contains("name") || !object.at("name").is_string() || object.at("name").get<std::string>().empty())
    throw UserError(where + ": \"name\" must name a model folder or zoo:NAME");
  ShownModels models;
  models.model = object.at("name").get<std::string>();
  if (object.contains("model2") && !object.at("model2").is_string())
    throw UserError(where + ": \"model2\" must name a model folder or zoo:NAME");
  models.model2 = object.value("model2", std::string());
  models.layer = non_negative_field(object, "layer", where);
  models.layer2 = non_negative_field(object, "layer2", where);
  models.sample = static_cast<uint64_t>(non_negative_field(object, "sample", where));
  if (object.contains("trained_steps")) models.trained_steps = non_negative_field(object, "trained_steps", where);
  return models;
}

}  // namespace seqscope::compute
