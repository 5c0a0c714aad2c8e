// The app in a real window (Xvfb + lavapipe in CI): it renders, the screenshot has the window's
// size and real content, --stats prints the frame line, and validation stays silent.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "tests/support/process.h"
#include "viz/image_export.h"

namespace seqscope {
namespace {

std::filesystem::path out_dir() {
  auto dir = std::filesystem::temp_directory_path() / "seqscope_gui_tests";
  std::filesystem::create_directories(dir);
  return dir;
}

size_t distinct_colors(const viz::Image& image) {
  std::set<uint32_t> colors;
  for (size_t i = 0; i < image.rgba.size(); i += 4)
    colors.insert(uint32_t{image.rgba[i]} << 16 | uint32_t{image.rgba[i + 1]} << 8 | image.rgba[i + 2]);
  return colors.size();
}

class Gui : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::getenv("DISPLAY")) FAIL() << "GUI tests need a display: run them under xvfb-run (scripts/test.sh does)";
  }
};

TEST_F(Gui, ScreenshotHasTheWindowSizeAndContent) {
  const auto shot = out_dir() / "window.png";
  std::filesystem::remove(shot);
  const auto result = testing::run_process(std::string(SEQSCOPE_BINARY) + " --frames 30 --width 1600 --height 1000 " +
                                           "--stats --screenshot " + shot.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(testing::count_lines_with(result.err, "[vulkan-validation]"), 0) << result.err;
  EXPECT_EQ(testing::count_lines_with(result.out, "frame_ms median="), 1) << result.out;
  EXPECT_NE(result.out.find("frames=30"), std::string::npos) << result.out;
  const viz::Image image = viz::read_png(shot);
  EXPECT_EQ(image.width, 1600u);
  EXPECT_EQ(image.height, 1000u);
  EXPECT_GT(distinct_colors(image), 200u) << "the screenshot looks blank";
}

TEST_F(Gui, SmallWindowStillRenders) {
  const auto shot = out_dir() / "small.png";
  const auto result = testing::run_process(std::string(SEQSCOPE_BINARY) + " --frames 5 --width 640 --height 400 " +
                                           "--screenshot " + shot.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const viz::Image image = viz::read_png(shot);
  EXPECT_EQ(image.width, 640u);
  EXPECT_EQ(image.height, 400u);
  EXPECT_GT(distinct_colors(image), 50u);
}

// A figure exported headless, reopened in the window from its PNG: same session, same view,
// same code path, so the window shows the same pixels. Compared: the top 60% of the image; the
// rows below hold the cost panel's measured timings and the status bar, which differ per run.
TEST_F(Gui, WindowReopensAnExportedPngAsTheSameView) {
  const auto figure = out_dir() / "exported.png", shot = out_dir() / "reopened.png";
  const std::string size = " --width 1000 --height 700 ";
  const auto exported = testing::run_process("env -u DISPLAY " + std::string(SEQSCOPE_BINARY) + " export --step 7" +
                                             size + "--png " + figure.string());
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const auto reopened = testing::run_process(std::string(SEQSCOPE_BINARY) + " --frames 5" + size + "--session " +
                                             figure.string() + " --screenshot " + shot.string());
  ASSERT_EQ(reopened.exit_code, 0) << reopened.err;
  const viz::Image a = viz::read_png(figure), b = viz::read_png(shot);
  ASSERT_EQ(a.width, b.width);
  ASSERT_EQ(a.height, b.height);
  const uint32_t rows = a.height * 6 / 10;
  size_t differing = 0;
  for (size_t i = 0; i < static_cast<size_t>(a.width) * rows; ++i)
    for (size_t c = 0; c < 3; ++c)
      if (std::abs(int{a.rgba[i * 4 + c]} - int{b.rgba[i * 4 + c]}) > 3) {
        ++differing;
        break;
      }
  // One step of the cursor changes about 1.5% of these pixels; a restored view changes none.
  EXPECT_LT(static_cast<double>(differing) / (a.width * rows), 0.001) << differing << " pixels differ";
}

}  // namespace
}  // namespace seqscope
