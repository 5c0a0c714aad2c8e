// The model zoo (docs/models.md, "The zoo"): small trained seqscope folders shipped under
// assets/zoo, made by scripts/train_zoo.sh with each exact command and seed. They open as
// `--model zoo:NAME` and from the Presets menu ("Trained: ...").
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace seqscope::app {

// The first screen's models (app/gui_app.cpp): a Mamba and attention on selective copying.
inline constexpr const char* kFirstScreenSsm = "selective_copy-MM";
inline constexpr const char* kFirstScreenAttention = "selective_copy-attn";

struct ZooModel {
  std::string name;   // the folder's name, e.g. "selective_copy-MM"
  std::string title;  // the menu's words, e.g. "selective copy, K 4 · MM (Mamba, 1000 steps)"
  std::filesystem::path dir;
};

// Where the zoo lies: $SEQSCOPE_ZOO when set, else the source tree's assets/zoo (a build run in
// place, as scripts/run.sh does), else <prefix>/share/seqscope/zoo beside an installed binary.
std::filesystem::path zoo_dir();

// The zoo's models (folders with a config.json), sorted by name; empty when there is none.
std::vector<ZooModel> zoo_models();

// "zoo:NAME" -> the zoo folder of that model (UserError, one line listing the names, when
// there is none); any other text is returned unchanged (a folder path).
std::string resolve_model_path(const std::string& spec);

// The zoo names in --model, --model2 and eval's --model resolved to folders (resolve_model_path).
struct Options;
void resolve_zoo_models(Options& options);

}  // namespace seqscope::app
