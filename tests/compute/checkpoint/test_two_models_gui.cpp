// `seqscope --model DIR --model2 DIR` in a real window (Xvfb + lavapipe, label `gui`): a Mamba
// folder that reads UTF-8 bytes (23 tokens) and a GPT-2 folder with a BPE tokenizer (7 tokens)
// render together: the attention panel draws GPT-2's heads (not "no attention results"), the
// input panel draws both strips with the aligned tokens marked, and validation stays silent.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <unistd.h>
#include <utility>
#include <vector>

#include "tests/compute/checkpoint/checkpoint_folders.h"
#include "tests/support/process.h"
#include "viz/panels/attention_panel.h"
#include "viz/render/image_export.h"

namespace seqscope {
namespace {

struct Box {
  int x = 0, y = 0, w = 0, h = 0;
};

// "panels name=WxH@X,Y ..." from --stats.
Box panel_box(const std::string& out, const std::string& name) {
  Box box;
  const auto at = out.find(" " + name + "=");
  float w = 0, h = 0, x = 0, y = 0;
  if (at != std::string::npos && std::sscanf(out.c_str() + at + name.size() + 2, "%fx%f@%f,%f", &w, &h, &x, &y) == 4)
    box = {static_cast<int>(x), static_cast<int>(y), static_cast<int>(w), static_cast<int>(h)};
  return box;
}

size_t distinct_colors(const viz::Image& image, const Box& box) {
  std::set<uint32_t> colors;
  for (int y = box.y; y < box.y + box.h && y < static_cast<int>(image.height); ++y)
    for (int x = box.x; x < box.x + box.w && x < static_cast<int>(image.width); ++x) {
      const size_t i = (static_cast<size_t>(y) * image.width + static_cast<size_t>(x)) * 4;
      colors.insert(uint32_t{image.rgba[i]} << 16 | uint32_t{image.rgba[i + 1]} << 8 | image.rgba[i + 2]);
    }
  return colors.size();
}

// Pixels of the "aligned token" outline (orange, 230 159 0) inside `box`.
int orange_pixels(const viz::Image& image, const Box& box) {
  int n = 0;
  for (int y = box.y; y < box.y + box.h && y < static_cast<int>(image.height); ++y)
    for (int x = box.x; x < box.x + box.w && x < static_cast<int>(image.width); ++x) {
      const uint8_t* p = &image.rgba[(static_cast<size_t>(y) * image.width + static_cast<size_t>(x)) * 4];
      n += std::abs(p[0] - 230) < 12 && std::abs(p[1] - 159) < 12 && p[2] < 20;
    }
  return n;
}

}  // namespace

// The attention panel's query row follows the cursor through the alignment; a click on a row
// moves the cursor to the token that covers the row's first byte and keeps the row.
TEST(TwoModelsGui, AttentionRowFollowsTheCursorByTextOffset) {
  compute::Results results;
  results.attention.L = 2;
  viz::ViewState view;
  view.cursor = 1;
  EXPECT_EQ(viz::attention_row(results, view), 1);  // one tokenizer: the cursor itself
  viz::move_to_attention_row(results, view, 0);
  EXPECT_EQ(view.cursor, 0);
  // "ab cd": 5 bytes on the SSM side, "ab" and " cd" on the attention side.
  compute::TokenAlignment& align = results.attention_tokens;
  align.to_other = {0, 0, 1, 1, 1};
  align.from_other = {0, 2};
  align.other.labels = {"ab", " cd"};
  view.cursor = 3;
  EXPECT_EQ(viz::attention_row(results, view), 1);
  EXPECT_EQ(viz::attention_inputs(results).labels[1], " cd");
  viz::move_to_attention_row(results, view, 0);
  EXPECT_EQ(view.cursor, 0);
  EXPECT_EQ(view.attention_pick, 0);
  EXPECT_EQ(viz::attention_row(results, view), 0);
  view.cursor = 4;  // the transport moved on: the row follows the cursor again
  EXPECT_EQ(viz::attention_row(results, view), 1);
  viz::move_to_attention_row(results, view, 7);  // outside the rows: nothing moves
  EXPECT_EQ(view.cursor, 4);
}

TEST(TwoModelsGui, DifferentTokenCountsRenderSideBySide) {
  if (!std::getenv("DISPLAY")) GTEST_FAIL() << "GUI tests need a display: run them under xvfb-run (scripts/test.sh does)";
  const auto dir = testing::make_folder("make_two_models_at");
  const auto shot = dir / "two_models.png";
  const auto result = testing::run_process(std::string(SEQSCOPE_BINARY) + " --model " + (dir / "mamba").string() +
                                           " --model2 " + (dir / "gpt2").string() +
                                           " --text 'The cat sat on the mat.' --frames 12 --width 1600 --height 1000"
                                           " --stats --screenshot " + shot.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(testing::count_lines_with(result.err, "[vulkan-validation]"), 0) << result.err;
  const viz::Image image = viz::read_png(shot);
  ASSERT_EQ(image.width, 1600u);
  EXPECT_GT(distinct_colors(image, {0, 0, 1600, 1000}), 500u) << "the screenshot looks blank";
  const Box attention = panel_box(result.out, "attention"), tokens = panel_box(result.out, "tokens");
  ASSERT_GT(attention.w * attention.h, 0) << result.out;
  ASSERT_GT(tokens.w * tokens.h, 0) << result.out;
  // A heatmap of GPT-2's heads has many colors; the "no attention results" line has a few.
  EXPECT_GT(distinct_colors(image, attention), 200u) << "the attention panel shows no map";
  // Cursor t = 0 ('T'): "The" covers bytes 0-2, so bytes 1 and 2 are outlined as aligned.
  EXPECT_GT(orange_pixels(image, tokens), 20) << "no aligned tokens marked in the input strips";
  std::filesystem::remove_all(dir);
}

// The same two models rendered headless: `export --model --model2 --png` draws the dashboard
// with the model's controls in the Controls column; what export cannot do with a model (--gif)
// is one line and exit code 2.
TEST(TwoModelsGui, ExportRendersTheModelsHeadless) {
  const auto dir = testing::make_folder("make_two_models_at");
  const std::string models = " --model " + (dir / "mamba").string() + " --model2 " + (dir / "gpt2").string() +
                             " --text 'The cat sat on the mat.'";
  const auto png = dir / "export.png";
  const auto result = testing::run_process("env -u DISPLAY -u WAYLAND_DISPLAY " + std::string(SEQSCOPE_BINARY) +
                                           " export" + models + " --width 1400 --height 900 --png " + png.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(testing::count_lines_with(result.err, "[vulkan-validation]"), 0) << result.err;
  const viz::Image image = viz::read_png(png);
  ASSERT_EQ(image.width, 1400u);
  EXPECT_GT(distinct_colors(image, {0, 0, 1400, 900}), 500u) << "the figure looks blank";
  const auto gif = testing::run_process(std::string(SEQSCOPE_BINARY) + " export" + models + " --gif " +
                                        (dir / "x.gif").string());
  EXPECT_EQ(gif.exit_code, 2);
  EXPECT_NE(gif.err.find("--gif is not available with --model"), std::string::npos) << gif.err;
  std::filesystem::remove_all(dir);
}

// --layer2 picks the layer of --model2 (both tiny models have 2 layers): another layer, another
// figure; a layer past the model, --layer2 without --model2, --model2 without --model and
// --model2 with --tensors alone are each one line and exit code 2.
TEST(TwoModelsGui, Layer2PicksTheSecondModelsLayer) {
  const auto dir = testing::make_folder("make_two_models_at");
  const std::string bin = "env -u DISPLAY -u WAYLAND_DISPLAY " + std::string(SEQSCOPE_BINARY) + " export";
  const std::string mamba = " --model " + (dir / "mamba").string(), gpt2 = " --model2 " + (dir / "gpt2").string();
  const std::string figure = " --text 'The cat sat on the mat.' --width 900 --height 600 --png ";
  std::vector<viz::Image> images;
  for (int layer2 : {0, 1}) {
    const auto png = dir / ("layer2_" + std::to_string(layer2) + ".png");
    const auto result = testing::run_process(bin + mamba + gpt2 + " --layer2 " + std::to_string(layer2) + figure +
                                             png.string());
    ASSERT_EQ(result.exit_code, 0) << result.err;
    images.push_back(viz::read_png(png));
  }
  EXPECT_NE(images[0].rgba, images[1].rgba) << "GPT-2's layer 1 draws the same figure as its layer 0";
  const std::pair<std::string, std::string> bad[] = {
      {mamba + gpt2 + " --layer2 2" + figure + (dir / "x.png").string(), "--layer2 2 is outside [0, 2)"},
      {mamba + " --layer2 1" + figure + (dir / "x.png").string(), "--layer2 requires --model2"},
      {gpt2 + figure + (dir / "x.png").string(), "--model2 requires --model"},
      {mamba + gpt2 + " --text hi --tensors " + (dir / "t").string(), "--model2 is for --png figures"}};
  for (const auto& [args, message] : bad) {
    const auto result = testing::run_process(bin + args);
    EXPECT_EQ(result.exit_code, 2) << args;
    EXPECT_NE(result.err.find(message), std::string::npos) << result.err;
    EXPECT_EQ(testing::count_lines_with(result.err, "seqscope"), 1) << result.err;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace seqscope
