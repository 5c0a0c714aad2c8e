// Presets: named sessions shipped in assets/presets/*.json ({"title": ..., "session": {...}}),
// embedded in the binary. The Presets menu and the tests read them from here. A preset may
// instead show trained models ("model": a shown_models.h object, e.g. the zoo's), and name a
// lesson claim check ("check", compute/lessons/lesson_claims.h) that its title asserts:
// tests/compute/session/test_presets.cpp runs it on the preset's numbers.
#pragma once
#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

#include "compute/session/session.h"
#include "compute/session/shown_models.h"

namespace seqscope::compute {

struct Preset {
  std::string name;   // file stem, e.g. "03_selective_copy"
  std::string title;  // shown in the menu
  Session session;      // what is shown when models is empty
  ShownModels models;   // trained models to open instead (the shipped ones: no trained_steps)
  std::string check;    // "" or a claim check the title asserts
};

// Every preset, in file-name order. Throws UserError naming the file if one is malformed.
std::vector<Preset> load_presets();
// A preset's JSON ({"title", "session" | "model", "check"}); UserError for a malformed one.
Preset preset_from_json(const nlohmann::json& json, std::string name);
// Whether a JSON file holds a preset rather than a bare session: an object with a "title".
bool looks_like_preset(const nlohmann::json& json);
// The shipped preset `name`: its file stem ("03_selective_copy"), its number ("3", "03") or the
// stem without the number ("selective_copy"). UserError listing the names when none matches.
Preset find_preset(const std::string& name);

}  // namespace seqscope::compute
