// Command-line behaviour that needs no display: errors are one line with exit code 2,
// --version, --list-devices, the no-display hint, headless export.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "viz/render/image_export.h"

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

// Issue 20: `--png out.jpg` wrote PNG bytes under a JPEG name, and `--png <a folder>` failed only
// after rendering. Both, a missing folder and `--gif x.png`, are now one line before anything runs.
TEST(Cli, ImagePathsAreCheckedBeforeRendering) {
  const std::string dir = testing::scratch_dir("cli_tests").string();
  const std::pair<std::string, std::string> cases[] = {
      {" export --png " + dir + "/out.jpg", "must end in .png"},
      {" export --png " + dir, "is a directory"},
      {" export --png " + dir + "/no/such/folder/out.png", "does not exist"},
      {" export --gif " + dir + "/out.png", "must end in .gif"},
      {" --screenshot " + dir + "/shot.PNG.txt --frames 1", "must end in .png"},
  };
  for (const auto& [args, message] : cases) {
    const auto result = testing::run_process(k_bin + args);
    EXPECT_EQ(result.exit_code, 2) << args;
    EXPECT_EQ(line_count(result.err), 1) << result.err;
    EXPECT_NE(result.err.find(message), std::string::npos) << args << ": " << result.err;
  }
  const auto upper = testing::run_process(k_bin + " export --png " + dir + "/upper.PNG");  // any case
  EXPECT_EQ(upper.exit_code, 0) << upper.err;
  EXPECT_TRUE(std::filesystem::exists(dir + "/upper.PNG"));
}

// `--preset NAME` (issue 20): by number or name, its session or its trained models; an unknown
// name or --preset with --session is one line and exit code 2.
TEST(Cli, PresetsOpenByNumberOrName) {
  const std::string dir = testing::scratch_dir("cli_tests").string();
  const auto session = testing::run_process(k_bin + " export --preset 2 --save-session " + dir + "/preset2.json");
  ASSERT_EQ(session.exit_code, 0) << session.err;
  std::ifstream saved(dir + "/preset2.json");
  const nlohmann::json json = nlohmann::json::parse(saved);
  EXPECT_EQ(json["ssm"]["variant"], "s4d") << json.dump();  // 02_s4d_sine_vs_window
  const auto models = testing::run_process(k_bin + " export --preset selective_copy --png " + dir + "/preset3.png");
  ASSERT_EQ(models.exit_code, 0) << models.err;
  EXPECT_NE(models.out.find("wrote"), std::string::npos) << models.out;
  for (const std::string& args : {std::string(" --preset no_such_one --frames 1"), " --preset 2 --session " + dir + "/preset2.json"}) {
    const auto bad = testing::run_process(k_bin + args);
    EXPECT_EQ(bad.exit_code, 2) << args;
    EXPECT_EQ(line_count(bad.err), 1) << bad.err;
  }
}

TEST(Cli, NoDisplaySaysSoAndShowsTheHeadlessCommand) {
  const auto result = testing::run_process("env -u DISPLAY -u WAYLAND_DISPLAY " + k_bin + " --frames 1");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(line_count(result.err), 1) << result.err;
  EXPECT_NE(result.err.find("seqscope export --png"), std::string::npos) << result.err;
}

TEST(Cli, WindowLessonErrorsComeBeforeAnyWindow) {
  const auto unknown = testing::run_process("env -u DISPLAY -u WAYLAND_DISPLAY " + k_bin + " --lesson nosuch --frames 1");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(line_count(unknown.err), 1) << unknown.err;
  EXPECT_NE(unknown.err.find("unknown lesson 'nosuch'"), std::string::npos) << unknown.err;
  const auto step = testing::run_process("env -u DISPLAY -u WAYLAND_DISPLAY " + k_bin + " --lesson 2 --lesson-step 99 --frames 1");
  EXPECT_EQ(step.exit_code, 2);
  EXPECT_NE(step.err.find("--lesson-step 99 is out of range"), std::string::npos) << step.err;
}

TEST(Cli, HeadlessExportWritesThePngWithoutADisplay) {
  const auto png = testing::scratch_dir("cli_tests") / "export.png";
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

namespace seqscope {
namespace {

std::filesystem::path scratch(const std::string& name) { return testing::scratch_dir("cli_tests") / name; }

void write_text(const std::filesystem::path& path, const std::string& text) { std::ofstream(path) << text; }

TEST(Cli, BadSessionFilesAreOneLineNamingTheProblem) {
  const std::pair<const char*, const char*> cases[] = {
      {"{\"ssm\": {\"state_size\": 0}}", "ssm.state_size"},
      {"{\"attention\": {\"headz\": 2}}", "headz"},
      {"{\"input\": {\"kind\": \"video\"}}", "input.kind"},
      {"{\"version\": 9}", "version"},
      {"{ not json", "bad.json"},
  };
  for (const auto& [text, needle] : cases) {
    const auto path = scratch("bad.json");
    write_text(path, text);
    for (const std::string args : {" --frames 1 --session ", " export --save-session /dev/null --session "}) {
      const auto result = testing::run_process("env -u DISPLAY " + k_bin + args + path.string());
      EXPECT_EQ(result.exit_code, 2) << text;
      EXPECT_EQ(line_count(result.err), 1) << text << ": " << result.err;
      EXPECT_NE(result.err.find(needle), std::string::npos) << text << ": " << result.err;
    }
  }
}

TEST(Cli, StepOutOfRangeIsOneLine) {
  const auto result = testing::run_process(k_bin + " export --step 100000 --save-session /dev/null");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(line_count(result.err), 1) << result.err;
  EXPECT_NE(result.err.find("--step 100000"), std::string::npos) << result.err;
}

TEST(Cli, SavedSessionRoundTripsAndReproducesTheTensors) {
  const auto session = scratch("in.json");
  write_text(session, R"({"seed": 3, "input": {"kind": "signal", "signal": "chirp", "length": 40},
                          "ssm": {"variant": "s4d", "init": "s4d_lin", "discretization": "zoh"}})");
  const auto saved = scratch("saved.json");
  const auto first = scratch("tensors_a"), second = scratch("tensors_b");
  std::filesystem::remove_all(first);
  std::filesystem::remove_all(second);
  auto a = testing::run_process(k_bin + " export --session " + session.string() + " --save-session " + saved.string() +
                                " --tensors " + first.string());
  ASSERT_EQ(a.exit_code, 0) << a.err;
  auto b = testing::run_process(k_bin + " export --session " + saved.string() + " --tensors " + second.string());
  ASSERT_EQ(b.exit_code, 0) << b.err;
  ASSERT_TRUE(std::filesystem::exists(first / "manifest.json"));
  size_t compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(first)) {
    if (entry.path().extension() != ".npy") continue;
    std::ifstream x(entry.path(), std::ios::binary), y(second / entry.path().filename(), std::ios::binary);
    const std::string bytes_a{std::istreambuf_iterator<char>(x), {}}, bytes_b{std::istreambuf_iterator<char>(y), {}};
    EXPECT_EQ(bytes_a, bytes_b) << entry.path().filename();
    ++compared;
  }
  EXPECT_GE(compared, 10u);
}

// `bench --backend vulkan` measures the device's limits and bounds the kernels that have a
// cost model; the JSON carries both (no timing is asserted: only that the figures exist).
TEST(Cli, BenchVulkanRowsAreBoundedByTheDevicesLimits) {
  const auto json_path = testing::scratch_dir("cli_tests") / "bench.json";
  std::filesystem::remove(json_path);
  const auto result = testing::run_process(k_bin + " bench --quick --backend vulkan --json " + json_path.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(testing::count_lines_with(result.err, "[vulkan-validation]"), 0) << result.err;
  EXPECT_NE(result.out.find("vulkan device: "), std::string::npos) << result.out;
  std::ifstream in(json_path);
  const nlohmann::json report = nlohmann::json::parse(in);
  ASSERT_TRUE(report["device_limits"].is_object());
  EXPECT_GT(report["device_limits"]["copy_gbps"].get<double>(), 0.0);
  EXPECT_GT(report["device_limits"]["fma_gflops"].get<double>(), 0.0);
  int bounded = 0, case_rows = 0;
  for (const auto& row : report["results"]) {
    const bool generated_case = row["note"].get<std::string>().rfind("case Gen", 0) == 0;
    case_rows += generated_case ? 1 : 0;
    if (!generated_case && (row["op"] == "vulkan.ssm_scan" || row["op"] == "vulkan.attention")) {
      ASSERT_TRUE(row["fraction_of_bound"].is_number()) << row.dump();
      EXPECT_GT(row["fraction_of_bound"].get<double>(), 0.0);
      ++bounded;
    }
    if (row["op"] == "vulkan.total") {
      EXPECT_TRUE(row["fraction_of_bound"].is_null()) << row.dump();
    }
  }
  EXPECT_EQ(bounded, 6);  // the sweep: L = 256, 512, 1024
  EXPECT_GT(case_rows, 10);  // then the generated parity cases under a tenth of the budget
}

// `bench --train --quick --json`: a row per pattern with its step time, throughput, fraction
// of the FMA bound and peak memory (no timing is asserted, only that the figures exist).
TEST(Cli, BenchTrainRowsCarryThroughputAndMemory) {
  const auto json_path = testing::scratch_dir("cli_tests") / "bench_train.json";
  std::filesystem::remove(json_path);
  const auto result = testing::run_process(k_bin + " bench --train --quick --json " + json_path.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.find("slopes"), std::string::npos) << result.out;
  std::ifstream in(json_path);
  const nlohmann::json report = nlohmann::json::parse(in);
  std::vector<std::string> patterns;
  for (const auto& row : report["results"]) {
    EXPECT_EQ(row["op"], "train_step");
    EXPECT_EQ(row["L"], 256);
    EXPECT_EQ(row["D"], 64);
    EXPECT_EQ(row["batch"], 32);
    EXPECT_GT(row["ms"].get<double>(), 0.0);
    EXPECT_GT(row["tokens_per_s"].get<double>(), 0.0);
    EXPECT_GT(row["fraction_of_bound"].get<double>(), 0.0);
    EXPECT_GE(row["peak_memory_mb"].get<double>(), 0.0);
    patterns.push_back(row["pattern"]);
  }
  EXPECT_EQ(patterns, (std::vector<std::string>{"MM", "*-*-"}));
}

}  // namespace
}  // namespace seqscope
