// `seqscope export` with no display (DISPLAY and WAYLAND_DISPLAY unset): PNGs of every panel
// and the dashboard, scale x2 rendered (not resampled), GIF frame count, tensors with a manifest
// (.npy and CSV), sessions that reproduce tensors byte for byte, PNGs that carry and reopen
// their session and view, transparent figures, and every error case (one line, exit code 2,
// nothing left behind).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <set>
#include <sstream>

#include "compute/io/npy.h"
#include "tests/support/process.h"
#include "viz/panels/panel_id.h"
#include "viz/render/image_export.h"

namespace seqscope {
namespace {

namespace fs = std::filesystem;
const std::string k_bin = SEQSCOPE_BINARY;

// Runs `seqscope export ARGS` without a display; fails the test on validation messages.
testing::ProcessResult run_export(const std::string& args) {
  const auto result = testing::run_process("env -u DISPLAY -u WAYLAND_DISPLAY " + k_bin + " export " + args);
  EXPECT_EQ(testing::count_lines_with(result.err, "[vulkan-validation]"), 0) << result.err;
  return result;
}

fs::path scratch(const std::string& name) {
  const fs::path path = testing::scratch_dir("test_export") / name;
  fs::remove_all(path);
  return path;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  std::string bytes(static_cast<size_t>(std::max<std::streamoff>(0, in.tellg())), '\0');
  in.seekg(0);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return bytes;
}

int line_count(const std::string& text) {
  int lines = 0;
  for (char c : text) lines += c == '\n';
  return lines;
}

size_t distinct_colors(const viz::Image& image) {
  std::set<uint32_t> colors;
  for (size_t i = 0; i + 3 < image.rgba.size(); i += 4) {
    uint32_t c;
    std::memcpy(&c, &image.rgba[i], 4);
    colors.insert(c);
  }
  return colors.size();
}

std::string text_chunk(const fs::path& png, const std::string& key) {
  for (const auto& [k, v] : viz::read_png_text(png))
    if (k == key) return v;
  return {};
}

TEST(Export, EveryPanelAndTheDashboardExportToPng) {
  std::vector<std::string> targets;
  for (const viz::PanelInfo& panel : viz::k_panels) targets.push_back(panel.name);
  targets.push_back("");  // the dashboard
  for (const std::string& panel : targets) {
    const fs::path png = scratch("panel_" + (panel.empty() ? "dashboard" : panel) + ".png");
    const auto result = run_export("--width 640 --height 400 --png " + png.string() +
                                   (panel.empty() ? "" : " --panel " + panel));
    ASSERT_EQ(result.exit_code, 0) << panel << ": " << result.err;
    const viz::Image image = viz::read_png(png);
    EXPECT_EQ(image.width, 640u) << panel;
    EXPECT_EQ(image.height, 400u) << panel;
    // Text, plots and maps: far more than a background and a border.
    EXPECT_GT(distinct_colors(image), 50u) << panel;
    EXPECT_FALSE(text_chunk(png, "seqscope.session").empty()) << panel;
    EXPECT_FALSE(text_chunk(png, "seqscope.version").empty()) << panel;
  }
}

// Pixel (x, y) of `image` as a 32-bit value.
uint32_t pixel(const viz::Image& image, uint32_t x, uint32_t y) {
  uint32_t c;
  std::memcpy(&c, &image.rgba[(static_cast<size_t>(y) * image.width + x) * 4], 4);
  return c;
}

// Every step of every lesson (`seqscope lessons` lists them) renders headless, as the app shows
// it, to a non-blank PNG; lesson 2's sweep steps measure the sweep first (a few seconds).
TEST(Export, EveryLessonStepRendersToANonBlankPng) {
  const auto list = testing::run_process(k_bin + " lessons");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::istringstream lines(list.out);
  std::string line;
  int lessons = 0;
  while (std::getline(lines, line)) {
    const std::string name = line.substr(0, line.find('\t'));
    const int steps = std::atoi(line.substr(line.rfind('\t') + 1).c_str());
    ASSERT_GE(steps, 3) << line;
    ++lessons;
    for (int step = 1; step <= steps; ++step) {
      const fs::path png = scratch("lesson_" + name + "_" + std::to_string(step) + ".png");
      const auto result = run_export("--lesson " + name + " --lesson-step " + std::to_string(step) +
                                     " --width 960 --height 600 --png " + png.string());
      ASSERT_EQ(result.exit_code, 0) << name << " step " << step << ": " << result.err;
      const viz::Image image = viz::read_png(png);
      EXPECT_EQ(image.width, 960u);
      EXPECT_GT(distinct_colors(image), 200u) << name << " step " << step;
      fs::remove(png);
    }
  }
  EXPECT_GE(lessons, 10);
}

TEST(Export, ScaleTwoDoublesTheSizeAndIsRenderedNotResampled) {
  const fs::path one = scratch("scale1.png"), two = scratch("scale2.png");
  ASSERT_EQ(run_export("--panel ssm_state --width 500 --height 320 --png " + one.string()).exit_code, 0);
  ASSERT_EQ(run_export("--panel ssm_state --width 500 --height 320 --scale 2 --png " + two.string()).exit_code, 0);
  const viz::Image a = viz::read_png(one), b = viz::read_png(two);
  ASSERT_EQ(b.width, 2 * a.width);
  ASSERT_EQ(b.height, 2 * a.height);
  // Against the x1 image upscaled by nearest neighbour: many pixels differ clearly.
  size_t differing = 0;
  for (uint32_t y = 0; y < b.height; ++y)
    for (uint32_t x = 0; x < b.width; ++x) {
      const uint32_t p = pixel(b, x, y), q = pixel(a, x / 2, y / 2);
      for (int c = 0; c < 3; ++c) {
        const int d = std::abs(static_cast<int>((p >> (8 * c)) & 255) - static_cast<int>((q >> (8 * c)) & 255));
        if (d > 24) {
          ++differing;
          break;
        }
      }
    }
  const double total = static_cast<double>(b.width) * b.height;
  EXPECT_GT(static_cast<double>(differing) / total, 0.03) << differing << " of " << total;
  // Details one pixel wide: in a pixel-doubled image columns 2i and 2i+1 are always equal.
  size_t odd_pairs = 0;
  for (uint32_t y = 0; y < b.height; ++y)
    for (uint32_t x = 0; x + 1 < b.width; x += 2) odd_pairs += pixel(b, x, y) != pixel(b, x + 1, y);
  EXPECT_GT(static_cast<double>(odd_pairs) / (total / 2), 0.02) << odd_pairs;
  std::printf("x2 vs nearest-neighbour x1: %.1f%% of pixels differ by > 24; %.1f%% of column pairs differ\n",
              100.0 * static_cast<double>(differing) / total, 100.0 * static_cast<double>(odd_pairs) / (total / 2));
}

// Counts image descriptors by walking the GIF's blocks; also returns the first frame delay.
int gif_frames(const std::string& bytes, int* first_delay) {
  size_t pos = 6;  // "GIF89a"
  if (bytes.size() < 13 || bytes.compare(0, 6, "GIF89a") != 0) return -1;
  const auto u8 = [&](size_t i) { return static_cast<uint8_t>(bytes.at(i)); };
  const uint8_t flags = u8(10);
  pos = 13;
  if (flags & 0x80) pos += 3u * (1u << ((flags & 7) + 1));
  const auto skip_sub_blocks = [&] {
    while (u8(pos) != 0) pos += 1 + u8(pos);
    ++pos;
  };
  int frames = 0;
  while (pos < bytes.size()) {
    const uint8_t block = u8(pos);
    if (block == 0x3B) return frames;  // trailer
    if (block == 0x21) {               // extension: label, then sub-blocks
      if (u8(pos + 1) == 0xF9 && first_delay && frames == 0) *first_delay = u8(pos + 4) | (u8(pos + 5) << 8);
      pos += 2;
      skip_sub_blocks();
    } else if (block == 0x2C) {  // image descriptor, local color table, LZW data
      ++frames;
      const uint8_t image_flags = u8(pos + 9);
      pos += 10;
      if (image_flags & 0x80) pos += 3u * (1u << ((image_flags & 7) + 1));
      pos += 1;  // LZW minimum code size
      skip_sub_blocks();
    } else {
      return -1;
    }
  }
  return -1;  // no trailer
}

TEST(Export, GifFromZeroToNineHasTenFrames) {
  const fs::path gif = scratch("steps.gif");
  const auto result =
      run_export("--panel tokens --width 480 --height 160 --gif " + gif.string() + " --from 0 --to 9 --fps 5");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  int delay = 0;
  EXPECT_EQ(gif_frames(read_bytes(gif), &delay), 10);
  EXPECT_EQ(delay, 20);  // 5 fps: 20 hundredths of a second
}

std::vector<std::string> manifest_names(const fs::path& dir) {
  std::ifstream in(dir / "manifest.json");
  const auto manifest = nlohmann::json::parse(in);
  std::vector<std::string> names;
  for (const auto& entry : manifest) names.push_back(entry.at("name").get<std::string>());
  return names;
}

void expect_same_tensors(const fs::path& a, const fs::path& b) {
  const auto names = manifest_names(a);
  ASSERT_FALSE(names.empty());
  EXPECT_EQ(names, manifest_names(b));
  for (const std::string& name : names) {
    const std::string bytes = read_bytes(a / (name + ".npy"));
    EXPECT_FALSE(bytes.empty()) << name;
    EXPECT_TRUE(bytes == read_bytes(b / (name + ".npy"))) << name << " differs";
  }
}

TEST(Export, SavedSessionReproducesTheTensorsByteForByte) {
  const fs::path first = scratch("tensors_a"), second = scratch("tensors_b"), session = scratch("saved.json");
  ASSERT_EQ(run_export("--backend eigen --tensors " + first.string() + " --save-session " + session.string()).exit_code, 0);
  for (const char* name : {"u", "h", "probs", "hidden_attn"}) EXPECT_TRUE(fs::exists(first / (std::string(name) + ".npy")));
  ASSERT_EQ(run_export("--session " + session.string() + " --tensors " + second.string()).exit_code, 0);
  expect_same_tensors(first, second);
}

TEST(Export, PngCarriesItsSessionAndReopensTheSameView) {
  const fs::path png = scratch("view.png"), again = scratch("view_again.png");
  const fs::path first = scratch("png_tensors_a"), second = scratch("png_tensors_b");
  ASSERT_EQ(run_export("--backend eigen --step 5 --panel ssm_state --width 600 --height 360 --png " + png.string() +
                       " --tensors " + first.string())
                .exit_code,
            0);
  const auto session = nlohmann::json::parse(text_chunk(png, "seqscope.session"));
  EXPECT_EQ(session.at("cursor"), 5);
  EXPECT_TRUE(session.at("view").contains("normalization"));
  const auto reopened = run_export("--session " + png.string() + " --panel ssm_state --width 600 --height 360 --png " +
                                   again.string() + " --tensors " + second.string());
  ASSERT_EQ(reopened.exit_code, 0) << reopened.err;
  expect_same_tensors(first, second);
  const viz::Image a = viz::read_png(png), b = viz::read_png(again);
  ASSERT_EQ(a.width, b.width);
  EXPECT_TRUE(a.rgba == b.rgba) << "re-exported PNG differs";
}

TEST(Export, PngViewChannelAndNormalizationAreRestored) {
  const fs::path png = scratch("view_base.png"), edited = scratch("view_edited.png"), out = scratch("view_out.png");
  ASSERT_EQ(run_export("--panel hidden_attention --width 600 --height 400 --png " + png.string()).exit_code, 0);
  auto session = nlohmann::json::parse(text_chunk(png, "seqscope.session"));
  session["view"]["channel"] = 1;
  session["view"]["normalization"] = "raw";
  viz::write_png(edited, viz::read_png(png), {{"seqscope.session", session.dump()}});
  const auto result = run_export("--session " + edited.string() + " --panel hidden_attention --width 600 --height 400 --png " + out.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto view = nlohmann::json::parse(text_chunk(out, "seqscope.session")).at("view");
  EXPECT_EQ(view.at("channel"), 1);
  EXPECT_EQ(view.at("normalization"), "raw");
  EXPECT_FALSE(viz::read_png(out).rgba == viz::read_png(png).rgba) << "the restored view changes the figure";
}

// The view flags land in the PNG's session, and a PNG re-exported from it without any flag is the
// same image (the view section round trips).
TEST(Export, ViewFlagsRoundTripThroughThePng) {
  const fs::path png = scratch("view_flags.png"), again = scratch("view_flags_again.png");
  const std::string figure = " --panel attention --width 640 --height 400 --png ";
  const auto first = run_export("--step 20 --head 1 --channel 2 --normalization minmax_abs --no-log --shared-scale "
                                "--tab kernel --state-color channel --emphasize attention" + figure + png.string());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto view = nlohmann::json::parse(text_chunk(png, "seqscope.session")).at("view");
  EXPECT_EQ(view.at("head"), 1);
  EXPECT_EQ(view.at("channel"), 2);
  EXPECT_EQ(view.at("normalization"), "minmax_abs");
  EXPECT_EQ(view.at("log_scale"), false);
  EXPECT_EQ(view.at("shared_scale"), true);
  EXPECT_EQ(view.at("tab"), "kernel");
  EXPECT_EQ(view.at("state_color"), "channel");
  EXPECT_EQ(view.at("emphasize"), "attention");
  const auto second = run_export("--session " + png.string() + figure + again.string());
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_TRUE(viz::read_png(png).rgba == viz::read_png(again).rgba) << "the reopened view draws another figure";
  // And the flags change the figure: the default view (log colours, own ranges) differs.
  const fs::path plain = scratch("view_flags_plain.png");
  ASSERT_EQ(run_export("--step 20 --head 1" + figure + plain.string()).exit_code, 0);
  EXPECT_FALSE(viz::read_png(png).rgba == viz::read_png(plain).rgba);
}

TEST(Export, AFigureOfAnUnknownPanelNamesIt) {
  const auto result = run_export("--panel hidden_attention,atention --png " + scratch("bad_figure.png").string());
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("unknown panel 'atention'"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(scratch("bad_figure.png")));
}

// Asking for channel 5 computes its α too: the saved session lists it, and the α figure differs
// from channel 0's.
TEST(Export, ChannelFlagComputesAlphaForThatChannel) {
  const fs::path json = scratch("channel5.json");
  ASSERT_EQ(run_export("--channel 5 --save-session " + json.string()).exit_code, 0);
  std::ifstream in(json);
  const auto session = nlohmann::json::parse(in);
  EXPECT_EQ(session.at("ssm").at("hidden_attention_channels"), nlohmann::json::array({0, 5}));
  EXPECT_EQ(session.at("view").at("channel"), 5);
  const fs::path zero = scratch("alpha0.png"), five = scratch("alpha5.png");
  ASSERT_EQ(run_export("--panel hidden_attention --png " + zero.string()).exit_code, 0);
  ASSERT_EQ(run_export("--channel 5 --panel hidden_attention --png " + five.string()).exit_code, 0);
  EXPECT_FALSE(viz::read_png(zero).rgba == viz::read_png(five).rgba);
}

TEST(Export, BadViewFlagsAreOneLineErrors) {
  const auto tab = run_export("--tab kernels --save-session " + scratch("bad_tab.json").string());
  EXPECT_EQ(tab.exit_code, 2);
  EXPECT_NE(tab.err.find("--tab"), std::string::npos) << tab.err;
  const auto panel = run_export("--emphasize attention,nope --save-session " + scratch("bad_panel.json").string());
  EXPECT_NE(panel.exit_code, 0);
  EXPECT_NE(panel.err.find("view.emphasize: unknown panel 'nope'"), std::string::npos) << panel.err;
}

TEST(Export, CsvHasTwoDimensionalFilesAndOneFilePerFirstIndex) {
  const fs::path csv = scratch("csv"), npy = scratch("csv_npy");
  ASSERT_EQ(run_export("--backend eigen --csv " + csv.string() + " --tensors " + npy.string()).exit_code, 0);
  std::ifstream in(csv / "manifest.json");
  const auto manifest = nlohmann::json::parse(in);
  ASSERT_FALSE(manifest.empty());
  // u [L, D]: L lines of D values equal to the .npy's float32 values.
  const compute::NpyArray u = compute::read_npy(npy / "u.npy");
  std::ifstream u_csv(csv / "u.csv");
  std::vector<float> values;
  std::string line;
  int lines = 0;
  while (std::getline(u_csv, line)) {
    ++lines;
    std::stringstream row(line);
    std::string cell;
    while (std::getline(row, cell, ',')) values.push_back(std::strtof(cell.c_str(), nullptr));
  }
  EXPECT_EQ(lines, u.shape[0]);
  ASSERT_EQ(values.size(), static_cast<size_t>(u.shape[0] * u.shape[1]));
  EXPECT_EQ(std::memcmp(values.data(), u.bytes.data(), u.bytes.size()), 0) << "CSV values are not exact";
  // h [L, D, N]: h/0.csv .. h/{L-1}.csv, each D lines.
  const compute::NpyArray h = compute::read_npy(npy / "h.npy");
  EXPECT_TRUE(fs::exists(csv / "h" / "0.csv"));
  EXPECT_TRUE(fs::exists(csv / "h" / (std::to_string(h.shape[0] - 1) + ".csv")));
  EXPECT_EQ(line_count(read_bytes(csv / "h" / "0.csv")), h.shape[1]);
}

TEST(Export, TransparentBackgroundLeavesAlphaZero) {
  const fs::path opaque = scratch("opaque.png"), clear = scratch("clear.png");
  ASSERT_EQ(run_export("--panel outputs --width 400 --height 300 --png " + opaque.string()).exit_code, 0);
  ASSERT_EQ(run_export("--panel outputs --width 400 --height 300 --transparent --png " + clear.string()).exit_code, 0);
  size_t transparent = 0, opaque_alpha = 0;
  const viz::Image a = viz::read_png(opaque), b = viz::read_png(clear);
  for (size_t i = 3; i < a.rgba.size(); i += 4) opaque_alpha += a.rgba[i] == 255;
  for (size_t i = 3; i < b.rgba.size(); i += 4) transparent += b.rgba[i] == 0;
  EXPECT_EQ(opaque_alpha, a.rgba.size() / 4);
  EXPECT_GT(transparent, b.rgba.size() / 4 / 4);  // most of the background
}

TEST(Export, ErrorsAreOneLineNamingTheProblemWithExitCode2) {
  const fs::path not_seqscope = scratch("plain.png");
  viz::write_png(not_seqscope, viz::Image{2, 2, std::vector<uint8_t>(16, 255)});
  const fs::path bad_json = scratch("bad.json");
  std::ofstream(bad_json) << R"({"ssm": {"state_size": -3}})";
  const fs::path gif = scratch("never.gif");
  const struct {
    std::string args, needle;
  } cases[] = {
      {"--png /tmp/x.png --panel no_such_panel", "no_such_panel"},
      {"--png /tmp/x.png --step 100000", "--step"},
      {"--png /tmp/x.png --scale 3", "scale 3"},
      {"--gif " + gif.string() + " --from 5 --to 2", "--from 5"},
      {"--gif " + gif.string() + " --from 0 --to 100000", "--to 100000"},
      {"--gif " + gif.string() + " --fps 0", "--fps 0"},
      {"--png /tmp/x.png --session " + not_seqscope.string(), "seqscope.session"},
      {"--png /tmp/x.png --session " + bad_json.string(), "state_size"},
      {"--gif /no/such/dir/a.gif --to 1", "/no/such/dir/a.gif"},
      {"--tensors /proc/no_such_dir", "/proc/no_such_dir"},
      {"--csv /proc/no_such_dir", "/proc/no_such_dir"},
      {"--save-session /no/such/dir/s.json", "/no/such/dir/s.json"},
  };
  for (const auto& c : cases) {
    const auto result = run_export(c.args);
    EXPECT_EQ(result.exit_code, 2) << c.args << ": " << result.err;
    EXPECT_EQ(line_count(result.err), 1) << c.args << ": " << result.err;
    EXPECT_NE(result.err.find(c.needle), std::string::npos) << c.args << ": " << result.err;
  }
  EXPECT_FALSE(fs::exists(gif));
  EXPECT_FALSE(fs::exists("/no/such/dir"));
}

}  // namespace
}  // namespace seqscope
