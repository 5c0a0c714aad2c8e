// The sequence-side panels (tokens, attention, outputs, cost): their pure helpers (windows,
// hit tests, ranges, headers, slopes) and headless renders on the test device: every panel
// draws something for every kind of input, the attention map shows the colormap color of the
// known probabilities, and clicks on a token, a grid cell or a map cell move the cursor.
//
// Index (each part starts at a "// [SECTION] name" line):
//   sessions
//   pure helpers: tokens
//   pure helpers: attention
//   pure helpers: outputs and cost
//   headless renders
#include <gtest/gtest.h>
#include <imgui.h>

#include <cmath>
#include <optional>

#include "compute/backend/eigen_backend.h"
#include "compute/session/inputs.h"
#include "tests/support/vk_test_context.h"
#include "viz/panels/attention_panel.h"
#include "viz/panels/cost_panel.h"
#include "viz/panels/outputs_panel.h"
#include "viz/panels/tokens_panel.h"
#include "viz/render/gpu_results.h"
#include "viz/render/headless_ui.h"
#include "viz/widgets/text_fit.h"

namespace seqscope::viz {
namespace {

using compute::Session;

// [SECTION] sessions

Session text_session(const std::string& text = "State space models carry a state.") {
  Session s;
  s.input.text = text;
  return s;
}

Session task_session(compute::TaskKind task, int length) {
  Session s;
  s.input.kind = compute::InputKind::Task;
  s.input.task = task;
  s.input.length = length;
  s.input.vocab = 12;
  s.input.num_tokens = 4;
  return s;
}

Session signal_session() {
  Session s;
  s.input.kind = compute::InputKind::Signal;
  s.input.signal = compute::SignalKind::Sine;
  s.input.length = 128;
  return s;
}

Session grid_session() {
  Session s;
  s.input.kind = compute::InputKind::Grid;
  s.input.grid.width = 6;
  s.input.grid.height = 5;
  s.input.grid.frames = 2;
  s.input.grid.order = compute::ScanOrder::Snake;
  s.d_model = 8;
  return s;
}

// [SECTION] pure helpers: tokens

TEST(TokenWindow, ShowsEverythingWhenItFits) {
  const TokenWindow w = token_window(10, 3, 16);
  EXPECT_EQ(w.first, 0);
  EXPECT_EQ(w.count, 10);
}

TEST(TokenWindow, CentersTheCursorAndStaysInside) {
  EXPECT_EQ(token_window(100, 50, 10).first, 45);
  EXPECT_EQ(token_window(100, 0, 10).first, 0);
  EXPECT_EQ(token_window(100, 99, 10).first, 90);
  EXPECT_EQ(token_window(100, 99, 10).count, 10);
  for (int cursor = 0; cursor < 100; ++cursor)
    for (int align : {1, 4, 8}) {
      const TokenWindow w = token_window(100, cursor, 16, align);
      EXPECT_LE(w.first, cursor);
      EXPECT_LT(cursor, w.first + w.count);
      EXPECT_LE(w.first + w.count, 100);
      EXPECT_EQ(w.first % align == 0 || w.first + w.count == 100, true) << cursor << " " << align;
    }
}

TEST(TokenLayout, BoxCentersMapBackToTheirPosition) {
  TokenLayout layout;
  layout.origin = ImVec2(10, 20);
  layout.box = ImVec2(14, 18);
  layout.gap = 2;
  layout.per_row = 7;
  layout.window = {30, 17};
  for (int t = 30; t < 47; ++t) {
    const ImVec2 min = token_box_min(layout, t);
    EXPECT_EQ(token_at(layout, ImVec2(min.x + 7, min.y + 9)), t);
  }
  EXPECT_EQ(token_at(layout, ImVec2(10 + 15, 25)), -1);  // the gap after the first box
  EXPECT_EQ(token_at(layout, ImVec2(5, 25)), -1);        // left of the strip
  EXPECT_EQ(token_at(layout, ImVec2(10 + 7 * 16 + 3, 25)), -1);  // past the last column
  EXPECT_EQ(token_at(layout, ImVec2(10 + 4 * 16 + 3, 20 + 2 * 20 + 3)), -1);  // empty slot after t = 46
}

TEST(GridLayout, CellCentersMapBackAndGapsAreEmpty) {
  GridLayout layout{ImVec2(5, 7), 10.0f, 6.0f, 4, 3, 2};
  for (int c = 0; c < 4 * 3 * 2; ++c) EXPECT_EQ(grid_cell_at(layout, grid_cell_center(layout, c)), c);
  EXPECT_EQ(grid_cell_at(layout, ImVec2(5 + 40 + 3, 12)), -1);  // between the frames
  EXPECT_EQ(grid_cell_at(layout, ImVec2(8, 7 + 31)), -1);       // below the frames
  EXPECT_EQ(grid_cell_at(layout, ImVec2(5 + 46 + 15, 7 + 25)), 1 * 12 + 2 * 4 + 1);  // frame 1, (1, 2)
}

TEST(GridLayout, VisitStepsInvertTheScanOrder) {
  const compute::Inputs in = compute::make_inputs(grid_session());
  const std::vector<int> steps = visit_steps(in.scan_order, 6 * 5 * 2);
  ASSERT_EQ(in.scan_order.size(), 60u);
  for (int t = 0; t < 60; ++t) EXPECT_EQ(steps[static_cast<size_t>(in.scan_order[static_cast<size_t>(t)])], t);
  EXPECT_EQ(visit_steps(std::vector<int>{2, 0}, 3), (std::vector<int>{1, -1, 0}));
}

TEST(TokenTooltip, QueriesNameTheirTarget) {
  const compute::Inputs in = compute::make_inputs(task_session(compute::TaskKind::Copy, 32));
  int queries = 0;
  for (int t = 0; t < in.length(); ++t) {
    const std::string tip = token_tooltip(in, t);
    EXPECT_NE(tip.find(format_text("t = %d", t)), std::string::npos);
    if (in.roles[static_cast<size_t>(t)] != compute::TokenRole::Query) continue;
    ++queries;
    // The target of the i-th '?' is the i-th data token, labelled as it appears at t = 1 + i.
    const std::string target = in.labels[static_cast<size_t>(1 + queries - 1)];
    EXPECT_NE(tip.find("target (expected output): '" + target + "'"), std::string::npos) << tip;
    EXPECT_NE(tip.find("role query"), std::string::npos);
  }
  EXPECT_EQ(queries, 4);
  EXPECT_EQ(symbol_label(in, 9999), "#9999");
}

// [SECTION] pure helpers: attention

TEST(AttentionMapRange, LinearLogAndSigned) {
  const MapRange linear = attention_map_range(0.0f, 0.5f, 0.5f, false);
  EXPECT_EQ(linear.colormap, Colormap::Viridis);
  EXPECT_FLOAT_EQ(linear.lo, 0.0f);
  EXPECT_FLOAT_EQ(linear.hi, 0.5f);
  const MapRange log = attention_map_range(0.0f, 1.0f, 1.0f, true);
  EXPECT_TRUE(log.log_scale);
  EXPECT_FLOAT_EQ(log.hi, 0.0f);
  EXPECT_FLOAT_EQ(log.lo, -4.0f);
  EXPECT_FLOAT_EQ(attention_map_range(0.01f, 1.0f, 1.0f, true).lo, -2.0f);  // no decades below the data
  const MapRange signed_range = attention_map_range(-0.2f, 0.7f, 0.7f, true);
  EXPECT_EQ(signed_range.colormap, Colormap::Diverging);
  EXPECT_FALSE(signed_range.log_scale);
  EXPECT_FLOAT_EQ(signed_range.lo, -0.7f);
  EXPECT_FLOAT_EQ(signed_range.hi, 0.7f);
}

TEST(AttentionShownValue, MatchesTheUploadedNormalization) {
  Session s = text_session("abcdefghij");
  s.attention.kind = compute::AttentionKind::Linear;
  s.attention.feature_map = compute::FeatureMap::Identity;  // signed weights
  const compute::Results r = compute::run_eigen(s, compute::make_inputs(s));
  for (MapNormalization n : {MapNormalization::Raw, MapNormalization::RowNormalized, MapNormalization::MinMaxAbs}) {
    const std::vector<float> all = normalize_maps(r.attention.probs, n);
    for (int h = 0; h < r.attention.H; ++h)
      for (int t = 0; t < 10; ++t)
        for (int k = 0; k < 10; ++k)
          EXPECT_NEAR(shown_value(r.attention.probs, h, t, k, n), all[static_cast<size_t>((h * 10 + t) * 10 + k)], 1e-6f);
  }
}

TEST(HeadGrid, PicksTheLargestMaps) {
  const HeadGrid square = head_grid(4, ImVec2(400, 400), 0, 0);
  EXPECT_EQ(square.cols, 2);
  EXPECT_EQ(square.rows, 2);
  EXPECT_FLOAT_EQ(square.side, 200.0f);
  EXPECT_EQ(head_grid(2, ImVec2(500, 200), 0, 0).cols, 2);
  EXPECT_EQ(head_grid(3, ImVec2(100, 600), 0, 0).cols, 1);
  const HeadGrid labelled = head_grid(2, ImVec2(500, 220), 20, 8);
  EXPECT_FLOAT_EQ(labelled.side, 200.0f);
}

TEST(AttentionHeader, StatesKindMaskHeadAndCursor) {
  Session s;
  EXPECT_EQ(attention_header(s, 0, 2, false, 17), "Attention · softmax · causal · head 1/2 · t = 17");
  s.attention.mask = compute::MaskKind::Window;
  s.attention.window = 32;
  EXPECT_NE(attention_header(s, 1, 2, true, 3).find("window 32 · all 2 heads · t = 3"), std::string::npos);
  s.attention.kind = compute::AttentionKind::Linear;
  EXPECT_NE(attention_header(s, 0, 2, false, 0).find("normalized weights"), std::string::npos);
  s.attention.kind = compute::AttentionKind::Lag;
  s.attention.lag = 3;
  EXPECT_NE(attention_header(s, 0, 1, false, 0).find("lag head (attends to t − 3)"), std::string::npos);
}

TEST(AttentionTooltip, ShowsTokensProbabilityAndMask) {
  const Session s = text_session("abcdef");
  const compute::Results r = compute::run_eigen(s, compute::make_inputs(s));
  const std::string tip = attention_cell_tooltip(r, 1, 4, 2, MapNormalization::Raw);
  EXPECT_NE(tip.find("head 2 · query t = 4 'e' → key s = 2 'c'"), std::string::npos) << tip;
  EXPECT_NE(tip.find(format_text("prob = %.6g", r.attention.probs.at(1, 4, 2))), std::string::npos) << tip;
  EXPECT_NE(tip.find(format_text("score = %.6g", r.attention.scores.at(1, 4, 2))), std::string::npos) << tip;
  EXPECT_NE(attention_cell_tooltip(r, 0, 1, 3, MapNormalization::Raw).find("masked"), std::string::npos);
}

// [SECTION] pure helpers: outputs and cost

TEST(AttentionColumn, ConcatenatedHeadsAndWrapping) {
  const AttentionColumn a = attention_column(9, 2, 8);
  EXPECT_EQ(a.head, 1);
  EXPECT_EQ(a.dim, 1);
  EXPECT_FALSE(a.wrapped);
  const AttentionColumn b = attention_column(20, 2, 8);
  EXPECT_EQ(b.head, 0);
  EXPECT_EQ(b.dim, 4);
  EXPECT_TRUE(b.wrapped);
  EXPECT_NE(outputs_header(20, 5, 2, 8).find("d mod H·dh = 16"), std::string::npos);
}

TEST(OutputsSeries, AreTheResultColumns) {
  const Session s = text_session("abcdefgh");
  const compute::Results r = compute::run_eigen(s, compute::make_inputs(s));
  const std::vector<float> y = matrix_column(r.ssm.y, 3);
  const std::vector<float> out = attention_output(r.attention, attention_column(11, r.attention.H, r.attention.dh));
  ASSERT_EQ(y.size(), 8u);
  ASSERT_EQ(out.size(), 8u);
  for (int t = 0; t < 8; ++t) {
    EXPECT_EQ(y[static_cast<size_t>(t)], r.ssm.y(t, 3));
    EXPECT_EQ(out[static_cast<size_t>(t)], r.attention.out.at(1, t, 3));
  }
  EXPECT_TRUE(matrix_column(r.ssm.y, 99).empty());
}

TEST(LogLogSlope, FitsPowerLawsAboveTheCutoff) {
  std::vector<double> x, quadratic, affine;
  for (double v = 64; v <= 65536; v *= 2) {
    x.push_back(v);
    quadratic.push_back(3.0 * v * v);
    affine.push_back(5.0 * v + 1e6);  // dominated by the constant below ~2e5
  }
  EXPECT_NEAR(loglog_slope(x, quadratic, 1024), 2.0, 1e-9);
  const double flattened = loglog_slope(x, affine, 1024);
  EXPECT_GT(flattened, 0.05);
  EXPECT_LT(flattened, 0.9);
  EXPECT_TRUE(std::isnan(loglog_slope(x, quadratic, 65536)));  // one point is no fit
  EXPECT_TRUE(std::isnan(loglog_slope(std::vector<double>{}, std::vector<double>{}, 1)));
}

TEST(CostCurves, SlopesAreOneForTheSsmAndTwoForFullAttention) {
  Session s;
  const CostCurves c = cost_curves(s);
  ASSERT_EQ(c.L.front(), 64.0);
  ASSERT_EQ(c.L.back(), 65536.0);
  EXPECT_NEAR(loglog_slope(c.L, c.ssm_flops, k_slope_fit_min_length), 1.0, 0.01);
  EXPECT_NEAR(loglog_slope(c.L, c.attention_flops, k_slope_fit_min_length), 2.0, 0.02);
  s.attention.mask = compute::MaskKind::Window;  // a window makes attention linear in L too
  EXPECT_NEAR(loglog_slope(cost_curves(s).L, cost_curves(s).attention_flops, k_slope_fit_min_length), 1.0, 0.02);
}

TEST(ByteUnit, KeepsNumbersBelowAThousand) {
  EXPECT_STREQ(byte_unit(512).name, "B");
  EXPECT_STREQ(byte_unit(4096).name, "kB");
  EXPECT_DOUBLE_EQ(byte_unit(4096).divisor, 1e3);
  EXPECT_STREQ(byte_unit(2.5e6).name, "MB");
  EXPECT_STREQ(byte_unit(7e9).name, "GB");
}

// [SECTION] headless renders

struct Rgb8 {
  int r, g, b;
};

Rgb8 pixel(const Image& image, float x, float y) {
  const size_t i = (static_cast<size_t>(y) * image.width + static_cast<size_t>(x)) * 4;
  return {image.rgba[i], image.rgba[i + 1], image.rgba[i + 2]};
}

class PanelRender : public ::testing::Test {
 protected:
  PanelRender() : ui_(testing::test_context()), gpu_(testing::test_context()) {}

  void load(const Session& session) {
    results_ = compute::run_eigen(session, compute::make_inputs(session));
    gpu_.upload(std::make_shared<const compute::Results>(results_), view_.normalization);
  }

  // Renders `panel` alone in a window filling the image. With `click`, the mouse is pressed
  // there in the first frame and released in the second, so the last frame sees the click.
  Image render(Panel& panel, uint32_t width, uint32_t height, std::optional<ImVec2> click = std::nullopt) {
    int frame = 0;
    return ui_.render(width, height, [&] {
      ImGuiIO& io = ImGui::GetIO();
      ImGui::SetNextWindowPos(ImVec2(0, 0));
      ImGui::SetNextWindowSize(io.DisplaySize);
      ImGui::Begin("panel", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
      PanelContext context{gpu_, ui_.renderer().heatmaps(), view_};
      context.sweep = sweep_;
      panel.draw(context);
      if (context.sweep_request != SweepRequest::None) sweep_request_ = context.sweep_request;
      ImGui::End();
      if (click) {
        io.MousePos = *click;
        io.MouseDown[0] = frame == 0;
      }
      ++frame;
    });
  }

  // Share of pixels that differ clearly from the background.
  static double ink(const Image& image) {
    const ImVec4 bg = background_color();
    const int br = static_cast<int>(std::lround(bg.x * 255)), bgg = static_cast<int>(std::lround(bg.y * 255)),
              bb = static_cast<int>(std::lround(bg.z * 255));
    size_t count = 0;
    for (size_t i = 0; i + 3 < image.rgba.size(); i += 4)
      count += std::abs(image.rgba[i] - br) + std::abs(image.rgba[i + 1] - bgg) + std::abs(image.rgba[i + 2] - bb) > 40;
    return static_cast<double>(count) / (image.width * image.height);
  }

  HeadlessUi ui_;
  GpuResults gpu_;
  compute::Results results_;
  ViewState view_;
  const SweepView* sweep_ = nullptr;  // the Cost panel's measured sweep, as the app hands it
  SweepRequest sweep_request_ = SweepRequest::None;
};

// Pixels within 30 (sum of |differences|) of `color` inside [x0, x1) x [y0, y1).
int pixels_near(const Image& image, Rgb8 color, int x0, int y0, int x1, int y1) {
  int count = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      const Rgb8 p = pixel(image, static_cast<float>(x), static_cast<float>(y));
      count += std::abs(p.r - color.r) + std::abs(p.g - color.g) + std::abs(p.b - color.b) < 30;
    }
  return count;
}

// A sweep of known times: ms = 1e-4 L (SSM) and 1e-7 L^2 (attention), slopes 1 and 2.
compute::CostSweep known_sweep() {
  compute::CostSweep sweep;
  sweep.backend = "eigen";
  sweep.device = "test CPU";
  for (int L = 256; L <= 65536; L *= 2) sweep.ssm.push_back({L, 1e-4 * L});
  for (int L = 256; L <= 4096; L *= 2) sweep.attention.push_back({L, 1e-7 * L * double(L)});
  sweep.slope_ssm = 1.0;
  sweep.slope_attention = 2.0;
  return sweep;
}

TEST_F(PanelRender, EveryPanelDrawsForEveryInputKind) {
  TokensPanel tokens;
  AttentionPanel attention;
  OutputsPanel outputs;
  CostPanel cost;
  Session linear = task_session(compute::TaskKind::Copy, 40);
  linear.attention.kind = compute::AttentionKind::Linear;
  linear.ssm.gate = true;
  linear.ssm.conv_width = 4;
  Session lag = task_session(compute::TaskKind::DelayedRecall, 40);
  lag.attention.kind = compute::AttentionKind::Lag;
  lag.attention.lag = 2;
  for (const Session& s : {text_session(), linear, lag, signal_session(), grid_session()}) {
    load(s);
    view_.cursor = results_.inputs.length() / 2;
    for (Panel* panel : std::initializer_list<Panel*>{&tokens, &attention, &outputs, &cost})
      for (auto [w, h] : {std::pair<uint32_t, uint32_t>{700, 420}, {350, 200}}) {
        const double share = ink(render(*panel, w, h));
        EXPECT_GT(share, 0.02) << panel->name() << " " << w << "x" << h << " input "
                               << static_cast<int>(s.input.kind);
      }
    // The strip as the dashboard gives it: wide and about three text lines high.
    EXPECT_GT(ink(render(tokens, 1200, 70)), 0.02) << static_cast<int>(s.input.kind);
  }
}

// The measured sweep is drawn under the analytic plot (its steep attention line adds orange in
// the lower-left quarter), and "Measure sweep" asks the app for one.
TEST_F(PanelRender, CostPanelDrawsTheMeasuredSweepAndAsksForOne) {
  load(signal_session());
  CostPanel cost;
  constexpr uint32_t k_w = 720, k_h = 440;
  const Rgb8 orange{0xD5, 0x5E, 0x00};  // series_color(5): attention
  const auto lower_left = [&](const Image& image) { return pixels_near(image, orange, 0, k_h / 2 + 30, k_w / 2, k_h); };
  const int without = lower_left(render(cost, k_w, k_h));  // the analytic plot's low-L end
  const compute::CostSweep sweep = known_sweep();
  SweepView view;
  view.result = &sweep;
  sweep_ = &view;
  const int with = lower_left(render(cost, k_w, k_h));  // the measured plot's slope-2 line
  EXPECT_GT(with, without + 100) << without << " " << with;
  EXPECT_EQ(sweep_request_, SweepRequest::None);  // headless (not available): no button
  // In the window the title line ends in the button; clicking it asks for a sweep.
  view.available = true;
  view.result = nullptr;
  render(cost, k_w, k_h, ImVec2(k_w - 14.0f, 14.0f));
  EXPECT_EQ(sweep_request_, SweepRequest::Start);
  // While one runs: a progress bar and Cancel in its place.
  view.running = true;
  view.progress = 0.5f;
  sweep_request_ = SweepRequest::None;
  render(cost, k_w, k_h, ImVec2(k_w - 14.0f, 14.0f));
  EXPECT_EQ(sweep_request_, SweepRequest::Cancel);
}

TEST_F(PanelRender, AttentionMapCellsHaveTheirViridisColor) {
  view_.normalization = MapNormalization::Raw;
  view_.log_scale = false;  // linear colours: the test reads them back as values
  load(text_session("abcdefgh"));
  view_.cursor = 7;  // the highlighted row is the last one; rows 0..6 are sampled
  AttentionPanel panel;
  render(panel, 700, 500);
  const Image image = render(panel, 700, 500);
  const auto [min, max] = panel.map_rect();
  ASSERT_GT(max.x - min.x, 100.0f);
  const float cell_w = (max.x - min.x) / 8.0f, cell_h = (max.y - min.y) / 8.0f;
  const GpuTensor& probs = gpu_.probs();
  for (int t = 0; t < 7; ++t)
    for (int s = 0; s < 8; ++s) {
      const float value = results_.attention.probs.at(0, t, s);
      const Rgba c = colormap_at(Colormap::Viridis, (value - probs.min) / (probs.max - probs.min));
      const Rgb8 p = pixel(image, min.x + (s + 0.5f) * cell_w, min.y + (t + 0.5f) * cell_h);
      EXPECT_NEAR(p.r, std::lround(c.r * 255), 2) << t << "," << s;
      EXPECT_NEAR(p.g, std::lround(c.g * 255), 2) << t << "," << s;
      EXPECT_NEAR(p.b, std::lround(c.b * 255), 2) << t << "," << s;
    }
}

TEST_F(PanelRender, ClickingAMapCellMovesTheCursorToItsRow) {
  load(text_session("abcdefgh"));
  view_.cursor = 7;
  AttentionPanel panel;
  render(panel, 700, 500);
  const auto [min, max] = panel.map_rect();
  render(panel, 700, 500, ImVec2(min.x + 1.5f * (max.x - min.x) / 8.0f, min.y + 3.5f * (max.y - min.y) / 8.0f));
  EXPECT_EQ(view_.cursor, 3);
}

TEST_F(PanelRender, AllHeadsViewHasNoSingleMap) {
  load(text_session("abcdefgh"));
  view_.all_heads = true;
  AttentionPanel panel;
  EXPECT_GT(ink(render(panel, 700, 500)), 0.05);
  EXPECT_EQ(panel.map_rect().second.x, 0.0f);
}

TEST_F(PanelRender, ClickingATokenMovesTheCursor) {
  load(task_session(compute::TaskKind::Copy, 48));
  view_.cursor = 0;
  TokensPanel panel;
  render(panel, 1200, 70);
  const TokenLayout layout = panel.token_layout();
  ASSERT_EQ(layout.window.count, 48);  // all fit: no window
  const ImVec2 at = token_box_min(layout, 21);
  render(panel, 1200, 70, ImVec2(at.x + 0.5f * layout.box.x, at.y + 0.5f * layout.box.y));
  EXPECT_EQ(view_.cursor, 21);
}

TEST_F(PanelRender, LongSequencesShowAWindowAroundTheCursor) {
  load(task_session(compute::TaskKind::DelayedRecall, 1024));
  view_.cursor = 600;
  TokensPanel panel;
  render(panel, 800, 70);
  const TokenLayout layout = panel.token_layout();
  ASSERT_LT(layout.window.count, 1024);
  EXPECT_LE(layout.window.first, 600);
  EXPECT_GT(layout.window.first + layout.window.count, 600);
  const int target = layout.window.first + 2;
  const ImVec2 at = token_box_min(layout, target);
  render(panel, 800, 70, ImVec2(at.x + 0.5f * layout.box.x, at.y + 0.5f * layout.box.y));
  EXPECT_EQ(view_.cursor, target);
}

TEST_F(PanelRender, ClickingAGridCellMovesTheCursorToTheStepThatReadsIt) {
  load(grid_session());
  view_.cursor = 0;
  TokensPanel panel;
  render(panel, 900, 200);
  const GridLayout layout = panel.grid_layout();
  ASSERT_GT(layout.cell, 3.0f);
  const int cell = results_.inputs.scan_order[37];
  render(panel, 900, 200, grid_cell_center(layout, cell));
  EXPECT_EQ(view_.cursor, 37);
}

TEST_F(PanelRender, FitTextElidesOnCharacterBoundaries) {
  ui_.render(200, 100, [] {
    const std::string ascii = "Attention · softmax · causal · head 1/2 · t = 17";
    EXPECT_EQ(fit_text(ascii, 10000.0f), ascii);
    const std::string cut = fit_text(ascii, 120.0f);
    EXPECT_LE(ImGui::CalcTextSize(cut.c_str()).x, 120.0f);
    EXPECT_EQ(cut.substr(cut.size() - 3), "\u2026");
    const std::string greek = fit_text("αβγδεζηθικλμνξοπρστυφχψω", 60.0f);
    const std::string kept = greek.substr(0, greek.size() - 3);
    EXPECT_EQ(kept.size() % 2, 0u);  // whole two-byte characters only
  });
}

}  // namespace
}  // namespace seqscope::viz
