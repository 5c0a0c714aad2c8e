// Every shipped preset parses, validates, and runs on the Eigen backend with finite outputs (or
// opens its trained models), and the claim its title makes holds on its own numbers.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "compute/backend/eigen_backend.h"
#include "compute/session/inputs.h"
#include "compute/lessons/lesson_claims.h"
#include "compute/session/presets.h"
#include "tests/support/lesson_results.h"

namespace seqscope::compute {
namespace {

TEST(Presets, AllLoadAndRun) {
  const auto presets = load_presets();
  ASSERT_GE(presets.size(), 7u);
  for (const Preset& preset : presets) {
    SCOPED_TRACE(preset.name);
    EXPECT_FALSE(preset.title.empty());
    LessonStep shown;
    shown.session = preset.session;
    shown.models = preset.models;
    const Results results = testing::lesson_step_results(shown);
    EXPECT_TRUE(results.ssm.y.allFinite());
    for (float p : results.attention.probs.data) EXPECT_TRUE(std::isfinite(p));
    if (preset.check.empty()) continue;
    ASSERT_TRUE(claim_check_exists(preset.check)) << preset.check;
    const ClaimResult claim = check_claim(preset.check, results);
    EXPECT_TRUE(claim.passed) << preset.title << ": " << claim.detail;
    std::printf("%s: %s\n", preset.name.c_str(), claim.detail.c_str());
  }
}

// Preset 3's title claims selectivity of the trained model: it uses the zoo's Mamba.
TEST(Presets, SelectiveCopyingShowsTheTrainedMamba) {
  for (const Preset& preset : load_presets())
    if (preset.name == "03_selective_copy") {
      EXPECT_EQ(preset.models.model, "zoo:selective_copy-MM");
      EXPECT_EQ(preset.check, "selective_alpha");
    }
}

}  // namespace
}  // namespace seqscope::compute

// `--preset NAME` (issue 20): a preset by its file stem, its number or the stem without the
// number; an unknown name lists the presets. A preset file opens wherever a session file does,
// as its session; a preset of trained models says how to open it instead.
namespace seqscope::compute {
namespace {

TEST(Presets, FoundByStemNumberOrName) {
  const std::vector<Preset> presets = load_presets();
  ASSERT_GE(presets.size(), 3u);
  const std::string stem = presets[1].name;  // "02_..."
  EXPECT_EQ(find_preset(stem).name, stem);
  EXPECT_EQ(find_preset("2").name, stem);
  EXPECT_EQ(find_preset("02").name, stem);
  EXPECT_EQ(find_preset(stem.substr(3)).name, stem);
  try {
    find_preset("no_such_preset");
    FAIL() << "an unknown preset was found";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown preset 'no_such_preset'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(stem), std::string::npos) << e.what();
  }
}

TEST(Presets, PresetFilesOpenAsSessions) {
  const std::filesystem::path folder = std::filesystem::path(SEQSCOPE_ZOO_DIR).parent_path() / "presets";
  for (const Preset& preset : load_presets()) {
    const std::filesystem::path file = folder / (preset.name + ".json");
    if (!preset.models.shown()) {
      EXPECT_EQ(session_to_json(load_session(file)), session_to_json(preset.session)) << preset.name;
      continue;
    }
    try {
      load_session(file);
      ADD_FAILURE() << preset.name << " shows trained models and opened as a session";
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find("open it with --preset"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace seqscope::compute
