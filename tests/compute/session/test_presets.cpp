// Every shipped preset parses, validates, and runs on the Eigen backend with finite outputs (or
// opens its trained models), and the claim its title makes holds on its own numbers.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

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
