// Presets: named sessions shipped in assets/presets/*.json ({"title": ..., "session": {...}}),
// embedded in the binary. The Presets menu and the tests read them from here.
#pragma once
#include <string>
#include <vector>

#include "compute/session/session.h"

namespace seqscope::compute {

struct Preset {
  std::string name;   // file stem, e.g. "03_selective_copy"
  std::string title;  // shown in the menu
  Session session;
};

// Every preset, in file-name order. Throws UserError naming the file if one is malformed.
std::vector<Preset> load_presets();

}  // namespace seqscope::compute
