#include "compute/session/presets.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <string>
#include <utility>

#include "embedded_assets.h"

namespace seqscope::compute {

Preset preset_from_json(const nlohmann::json& json, std::string name) {
  Preset preset;
  preset.name = std::move(name);
  if (!json.is_object() || !json.contains("title") || !json["title"].is_string())
    throw UserError("a preset needs a \"title\" text");
  preset.title = json["title"].get<std::string>();
  for (const auto& item : json.items())
    if (item.key() != "title" && item.key() != "session" && item.key() != "model" && item.key() != "check")
      throw UserError("unknown key \"" + item.key() + "\" (allowed here: title, session, model, check)");
  preset.models = shown_models_from_json(json.value("model", nlohmann::json::object()), "model");
  if (preset.models.trained_steps >= 0) throw UserError("model: a preset shows shipped models (no trained_steps)");
  if (!preset.models.shown() && !json.contains("session")) throw UserError("needs a \"session\" or a \"model\"");
  preset.session = session_from_json(json.value("session", nlohmann::json::object()));
  preset.check = json.value("check", std::string());
  return preset;
}

bool looks_like_preset(const nlohmann::json& json) { return json.is_object() && json.contains("title"); }

std::vector<Preset> load_presets() {
  std::vector<Preset> presets;
  constexpr std::string_view k_folder = "presets/";
  for (const assets::Asset& asset : assets::all()) {
    if (asset.path.substr(0, k_folder.size()) != k_folder) continue;
    const std::string path(asset.path);
    try {
      const std::string stem = path.substr(k_folder.size(), path.size() - k_folder.size() - 5);  // minus ".json"
      presets.push_back(preset_from_json(nlohmann::json::parse(asset.content), stem));
    } catch (const UserError& e) {
      throw UserError("preset " + path + ": " + e.what());
    } catch (const nlohmann::json::exception& e) {
      throw UserError("preset " + path + ": " + e.what());
    }
  }
  return presets;
}

namespace {

// "03_selective_copy" -> {"03", "selective_copy"}; a stem without a leading number -> {"", stem}.
std::pair<std::string, std::string> split_number(const std::string& stem) {
  const size_t underscore = stem.find('_');
  if (underscore == std::string::npos || underscore == 0) return {"", stem};
  for (size_t i = 0; i < underscore; ++i)
    if (!std::isdigit(static_cast<unsigned char>(stem[i]))) return {"", stem};
  return {stem.substr(0, underscore), stem.substr(underscore + 1)};
}

bool same_number(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty() || a.find_first_not_of("0123456789") != std::string::npos) return false;
  return std::stoi(a) == std::stoi(b);
}

}  // namespace

Preset find_preset(const std::string& name) {
  std::vector<Preset> presets = load_presets();
  std::string names;
  for (Preset& preset : presets) {
    const auto [number, rest] = split_number(preset.name);
    if (preset.name == name || rest == name || same_number(name, number)) return std::move(preset);
    names += (names.empty() ? "" : ", ") + preset.name;
  }
  throw UserError("unknown preset '" + name + "' (presets: " + names + ")");
}

}  // namespace seqscope::compute
