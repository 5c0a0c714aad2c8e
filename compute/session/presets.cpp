#include "compute/session/presets.h"

#include <nlohmann/json.hpp>

#include "embedded_assets.h"

namespace seqscope::compute {

std::vector<Preset> load_presets() {
  std::vector<Preset> presets;
  constexpr std::string_view k_folder = "presets/";
  for (const assets::Asset& asset : assets::all()) {
    if (asset.path.substr(0, k_folder.size()) != k_folder) continue;
    const std::string path(asset.path);
    try {
      const nlohmann::json json = nlohmann::json::parse(asset.content);
      Preset preset;
      preset.name = path.substr(k_folder.size(), path.size() - k_folder.size() - 5);  // minus ".json"
      preset.title = json.at("title").get<std::string>();
      for (const auto& item : json.items())
        if (item.key() != "title" && item.key() != "session" && item.key() != "model" && item.key() != "check")
          throw UserError("unknown key \"" + item.key() + "\"");
      preset.models = shown_models_from_json(json.value("model", nlohmann::json::object()), "model");
      if (preset.models.trained_steps >= 0) throw UserError("model: a preset shows shipped models (no trained_steps)");
      if (!preset.models.shown() && !json.contains("session")) throw UserError("needs a \"session\" or a \"model\"");
      preset.session = session_from_json(json.value("session", nlohmann::json::object()));
      preset.check = json.value("check", std::string());
      presets.push_back(std::move(preset));
    } catch (const UserError& e) {
      throw UserError("preset " + path + ": " + e.what());
    } catch (const nlohmann::json::exception& e) {
      throw UserError("preset " + path + ": " + e.what());
    }
  }
  return presets;
}

}  // namespace seqscope::compute
