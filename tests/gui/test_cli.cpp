// Command-line behaviour that needs no display: errors are one line with exit code 2,
// --version, --list-devices, the no-display hint, headless export.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/process.h"
#include "viz/image_export.h"

namespace seqscope {
namespace {

const std::string k_bin = SEQSCOPE_BINARY;

int line_count(const std::string& text) {
  int lines = 0;
  for (char c : text) lines += c == '\n';
  return lines;
}

TEST(Cli, UnknownFlagIsOneLineAndExitCode2) {
  const auto result = testing::run_process(k_bin + " --no-such-flag");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(line_count(result.err), 1) << result.err;
  EXPECT_NE(result.err.find("--no-such-flag"), std::string::npos) << result.err;
}

TEST(Cli, BadValueIsOneLineAndExitCode2) {
  for (const char* args : {" --frames zero", " --width 10", " --session /no/such/file.json", " export"}) {
    const auto result = testing::run_process(k_bin + args);
    EXPECT_EQ(result.exit_code, 2) << args;
    EXPECT_EQ(line_count(result.err), 1) << args << ": " << result.err;
  }
}

TEST(Cli, Version) {
  const auto result = testing::run_process(k_bin + " --version");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out.rfind("seqscope ", 0), 0u) << result.out;
}

TEST(Cli, ListDevicesShowsIndexNameTypeAndApi) {
  const auto result = testing::run_process(k_bin + " --list-devices");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_GE(line_count(result.out), 1);
  EXPECT_EQ(result.out.rfind("0\t", 0), 0u) << result.out;
  EXPECT_NE(result.out.find("Vulkan 1."), std::string::npos) << result.out;
}

TEST(Cli, NoDisplaySaysSoAndShowsTheHeadlessCommand) {
  const auto result = testing::run_process("env -u DISPLAY -u WAYLAND_DISPLAY " + k_bin + " --frames 1");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(line_count(result.err), 1) << result.err;
  EXPECT_NE(result.err.find("seqscope export --png"), std::string::npos) << result.err;
}

TEST(Cli, HeadlessExportWritesThePngWithoutADisplay) {
  const auto png = std::filesystem::temp_directory_path() / "seqscope_cli_export.png";
  std::filesystem::remove(png);
  const auto result = testing::run_process("env -u DISPLAY -u WAYLAND_DISPLAY " + k_bin +
                                           " export --width 800 --height 500 --png " + png.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(testing::count_lines_with(result.err, "[vulkan-validation]"), 0) << result.err;
  const viz::Image image = viz::read_png(png);
  EXPECT_EQ(image.width, 800u);
  EXPECT_EQ(image.height, 500u);
}

TEST(Cli, ExportToAnUnwritablePathIsOneLineAndLeavesNothing) {
  const auto result = testing::run_process(k_bin + " export --png /no/such/dir/x.png");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(line_count(result.err), 1) << result.err;
  EXPECT_NE(result.err.find("/no/such/dir/x.png"), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists("/no/such/dir"));
}

}  // namespace
}  // namespace seqscope
