// Every shipped preset parses, validates, and runs on the Eigen backend with finite outputs.
#include <gtest/gtest.h>

#include <cmath>

#include "compute/backend/eigen_backend.h"
#include "compute/session/inputs.h"
#include "compute/session/presets.h"

namespace seqscope::compute {
namespace {

TEST(Presets, AllLoadAndRun) {
  const auto presets = load_presets();
  ASSERT_GE(presets.size(), 7u);
  for (const Preset& preset : presets) {
    SCOPED_TRACE(preset.name);
    EXPECT_FALSE(preset.title.empty());
    const Inputs inputs = make_inputs(preset.session);
    const Results results = run_eigen(preset.session, inputs);
    EXPECT_TRUE(results.ssm.y.allFinite());
    for (float p : results.attention.probs.data) EXPECT_TRUE(std::isfinite(p));
  }
}

}  // namespace
}  // namespace seqscope::compute
