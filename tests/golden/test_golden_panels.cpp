// Golden images of every panel and the dashboard, made by `seqscope export` with no display
// (the same code path and fonts as the window), compared under a tolerance. The cost panel and
// the dashboard show measured timings, whose digits change from run to run: they get a looser
// pixel budget.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/golden.h"
#include "tests/support/process.h"
#include "viz/panels/panel_context.h"

namespace seqscope {
namespace {

viz::Image export_figure(const std::string& panel, int width, int height) {
  const auto png = testing::scratch_dir("golden") / (panel + ".png");
  std::filesystem::remove(png);
  const auto result = testing::run_process(std::string("env -u DISPLAY -u WAYLAND_DISPLAY ") + SEQSCOPE_BINARY +
                                           " export --backend eigen --step 12 --width " + std::to_string(width) +
                                           " --height " + std::to_string(height) + " --png " + png.string() +
                                           (panel == "dashboard" ? "" : " --panel " + panel));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(testing::count_lines_with(result.err, "[vulkan-validation]"), 0) << result.err;
  return viz::read_png(png);
}

class GoldenPanel : public ::testing::TestWithParam<const char*> {};

TEST_P(GoldenPanel, MatchesTheCommittedImage) {
  const std::string panel = GetParam();
  const bool timings = panel == "cost" || panel == "dashboard";
  const viz::Image image = panel == "dashboard" ? export_figure(panel, 1280, 800) : export_figure(panel, 720, 440);
  const auto result = testing::compare_with_golden(image, "panel_" + panel, 3, timings ? 0.01 : 0.002);
  EXPECT_TRUE(result.matches) << result.message;
}

INSTANTIATE_TEST_SUITE_P(Export, GoldenPanel,
                         ::testing::Values("tokens", "ssm_state", "ssm_dynamics", "attention", "hidden_attention",
                                           "outputs", "cost", "dashboard"));

}  // namespace
}  // namespace seqscope
