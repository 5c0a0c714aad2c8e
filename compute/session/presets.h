// Presets: named sessions shipped in assets/presets/*.json ({"title": ..., "session": {...}}),
// embedded in the binary. The Presets menu and the tests read them from here. A preset may
// instead show trained models ("model": a shown_models.h object, e.g. the zoo's), and name a
// lesson claim check ("check", compute/lessons/lesson_claims.h) that its title asserts:
// tests/compute/session/test_presets.cpp runs it on the preset's numbers.
#pragma once
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

}  // namespace seqscope::compute
