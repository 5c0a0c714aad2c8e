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

// height 0: none given, a panel figure's height follows its width.
viz::Image export_figure(const std::string& panel, int width, int height, const std::string& flags = "") {
  const auto png = testing::scratch_dir("golden") / (panel + std::to_string(width) + ".png");
  std::filesystem::remove(png);
  const auto result = testing::run_process(
      std::string("env -u DISPLAY -u WAYLAND_DISPLAY ") + SEQSCOPE_BINARY + " export --backend eigen --step 12 --width " +
      std::to_string(width) + (height > 0 ? " --height " + std::to_string(height) : std::string()) + " --png " +
      png.string() + (panel == "dashboard" ? "" : " --panel " + panel) + flags);
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

// The lecturer's figure: α next to attention on the same text (t = 12), one shared colour range, tight.
TEST(GoldenFigure, AlphaNextToAttention) {
  const viz::Image image = export_figure("hidden_attention,attention", 1000, 0, " --shared-scale");
  const auto result = testing::compare_with_golden(image, "figure_alpha_attention", 3, 0.002);
  EXPECT_TRUE(result.matches) << result.message;
}

// Without --height the figure is as tall as its maps need: the height follows the width.
TEST(GoldenFigure, HeightFollowsTheWidth) {
  const viz::Image narrow = export_figure("hidden_attention,attention", 800, 0);
  const viz::Image wide = export_figure("hidden_attention,attention", 1200, 0);
  EXPECT_EQ(narrow.width, 800u);
  EXPECT_EQ(wide.width, 1200u);
  // Two square maps side by side plus a few text lines and the bars: about half the width.
  EXPECT_GT(narrow.height, 800u * 4 / 10);
  EXPECT_LT(narrow.height, 800u * 8 / 10);
  EXPECT_GT(wide.height, narrow.height + 150u);  // the maps grew by about 180 pixels each side
}

// A view that is not the default's, set by flags, written into the PNG's metadata, and read back:
// the dashboard exported from that PNG with no view flags is the same image, and both match the
// committed one (the view is part of the figure, issue 20).
TEST(GoldenFigure, AViewRoundTripsThroughThePng) {
  const std::string view =
      " --channel 3 --head 1 --normalization minmax_abs --no-log --shared-scale --tab kernel --cost-tab memory "
      "--state-color channel --emphasize ssm_state,outputs";
  const viz::Image first = export_figure("dashboard", 1280, 800, view);
  const auto first_png = testing::scratch_dir("golden") / "dashboard1280.png";  // where export_figure wrote it
  const auto again = testing::scratch_dir("golden") / "view_again.png";
  std::filesystem::remove(again);
  const auto result = testing::run_process(std::string("env -u DISPLAY -u WAYLAND_DISPLAY ") + SEQSCOPE_BINARY +
                                           " export --backend eigen --width 1280 --height 800 --session " +
                                           first_png.string() + " --png " + again.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const viz::Image second = viz::read_png(again);
  for (const viz::Image* image : {&first, &second}) {
    const auto golden = testing::compare_with_golden(*image, "view_round_trip", 3, 0.01);  // timings differ
    EXPECT_TRUE(golden.matches) << golden.message;
  }
}

INSTANTIATE_TEST_SUITE_P(Export, GoldenPanel,
                         ::testing::Values("tokens", "ssm_state", "ssm_dynamics", "attention", "hidden_attention",
                                           "outputs", "cost", "dashboard"));

}  // namespace
}  // namespace seqscope
