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

}  // namespace
}  // namespace seqscope
