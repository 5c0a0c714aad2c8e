// The SSM panels (ssm_state, ssm_dynamics, hidden_attention) and their helpers: ranges, α
// slots, click mapping, hover values, formulas and hypothetical-Δ eigenvalues; and the panels
// rendered headless for several variants, with map pixels checked against the colormap color
// of the known value. Set SEQSCOPE_PANEL_PNG_DIR to also write the rendered images.
//
// Index (each part starts at a "// [SECTION] name" line):
//   helpers without a GPU
//   rendered panels
#include <gtest/gtest.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "compute/backend/eigen_backend.h"
#include "compute/session/inputs.h"
#include "compute/session/session_schema.h"
#include "compute/ssm/discretize.h"
#include "tests/support/vk_test_context.h"
#include "viz/panels/figure_map.h"
#include "viz/panels/hidden_attention_panel.h"
#include "viz/panels/ssm_dynamics_panel.h"
#include "viz/panels/ssm_formulas.h"
#include "viz/panels/ssm_panel_util.h"
#include "viz/panels/ssm_state_panel.h"
#include "viz/render/gpu_results.h"
#include "viz/render/headless_ui.h"
#include "viz/render/image_export.h"

namespace seqscope::viz {
namespace {

using compute::Discretization;
using compute::Session;
using compute::SsmVariant;

// [SECTION] helpers without a GPU

Session small_session(SsmVariant variant, Discretization method = Discretization::Zoh) {
  Session s;
  s.input.kind = compute::InputKind::Signal;
  s.input.length = 12;
  s.d_model = 4;
  s.ssm.variant = variant;
  s.ssm.state_size = 4;
  s.ssm.discretization = method;
  s.ssm.hidden_attention_channels = {0, 2};
  return s;
}

compute::Results run(const Session& session) { return compute::run_eigen(session, compute::make_inputs(session)); }

TEST(SsmPanelHelpers, AlphaSlotPrefersTheSelectedChannel) {
  EXPECT_EQ(alpha_slot({0, 3, 5}, 3), 1);
  EXPECT_EQ(alpha_slot({0, 3, 5}, 4), 0);  // not computed: the first computed one
  EXPECT_EQ(alpha_slot({}, 0), -1);
  EXPECT_EQ(format_channel_list({0, 3, 5}), "[0, 3, 5]");
  EXPECT_EQ(format_channel_list({0, 1, 2, 3}, 2), "[0, 1, … (4 in all)]");
}

TEST(SsmPanelHelpers, RangesCenterSignedDataAtZero) {
  const MapRange s = range_for(-0.5f, 2.0f);
  EXPECT_EQ(s.colormap, Colormap::Diverging);
  EXPECT_FLOAT_EQ(s.lo, -2.0f);
  EXPECT_FLOAT_EQ(s.hi, 2.0f);
  const MapRange p = range_for(0.1f, 0.9f);
  EXPECT_EQ(p.colormap, Colormap::Viridis);
  EXPECT_FLOAT_EQ(p.lo, 0.0f);
  EXPECT_FLOAT_EQ(p.hi, 0.9f);
  EXPECT_FLOAT_EQ(signed_range(0.0f).hi, 1.0f);  // an all-zero state still gets a usable scale
}

TEST(SsmPanelHelpers, AlphaRangeFollowsTheNormalization) {
  const MapRange raw = alpha_range(MapNormalization::Raw, false, 3.0f);
  EXPECT_EQ(raw.colormap, Colormap::Diverging);
  EXPECT_FLOAT_EQ(raw.lo, -3.0f);
  const MapRange rows = alpha_range(MapNormalization::RowNormalized, false, 3.0f);
  EXPECT_EQ(rows.colormap, Colormap::Viridis);
  EXPECT_FLOAT_EQ(rows.hi, 1.0f);
  const MapRange log_raw = alpha_range(MapNormalization::Raw, true, 100.0f);
  EXPECT_TRUE(log_raw.log_scale);
  EXPECT_FLOAT_EQ(log_raw.hi, 2.0f);
  EXPECT_FLOAT_EQ(log_raw.lo, -2.0f);
}

// "where does t look?" of a figure: |x| over its row sum, whatever the sign of x.
TEST(SsmPanelHelpers, RowSharesAreTheAbsoluteValuesOverTheirSum) {
  const std::vector<float> shares = row_shares({2.0f, -1.0f, 0.0f, 1.0f});
  ASSERT_EQ(shares.size(), 4u);
  EXPECT_FLOAT_EQ(shares[0], 0.5f);
  EXPECT_FLOAT_EQ(shares[1], 0.25f);
  EXPECT_FLOAT_EQ(shares[2], 0.0f);
  EXPECT_FLOAT_EQ(shares[3], 0.25f);
  EXPECT_EQ(row_shares({0.0f, 0.0f}), (std::vector<float>{0.0f, 0.0f}));  // an all-zero row stays zero
  EXPECT_EQ(row_shares({NAN, 1.0f}), (std::vector<float>{0.0f, 1.0f}));   // a NaN counts as nothing
}

TEST(SsmPanelHelpers, ClicksMoveTheAxisTheMapShows) {
  const HeatmapHover hover{true, true, 3, 7};
  ViewState view;
  EXPECT_TRUE(apply_map_click(view, MapAxes::RowIsT, hover));
  EXPECT_EQ(view.cursor, 3);
  EXPECT_EQ(view.channel, 0);
  apply_map_click(view, MapAxes::ColIsT, hover);
  EXPECT_EQ(view.cursor, 7);
  apply_map_click(view, MapAxes::RowIsChannel, hover);
  EXPECT_EQ(view.channel, 3);
  EXPECT_EQ(view.cursor, 7);
  ViewState other;
  apply_map_click(other, MapAxes::RowChannelColT, hover);
  EXPECT_EQ(other.channel, 3);
  EXPECT_EQ(other.cursor, 7);
  ViewState untouched;
  EXPECT_FALSE(apply_map_click(untouched, MapAxes::RowIsT, HeatmapHover{true, false, 3, 7}));
  EXPECT_EQ(untouched.cursor, 0);
}

TEST(SsmPanelHelpers, HoverValuesAreTheUploadedNormalization) {
  compute::Tensor maps({1, 3, 3});
  maps.data = {1.0f, 0.0f, 0.0f, -2.0f, 2.0f, 0.0f, 0.5f, -0.25f, 0.25f};
  for (MapNormalization normalization :
       {MapNormalization::Raw, MapNormalization::RowNormalized, MapNormalization::MinMaxAbs}) {
    const std::vector<float> uploaded = normalize_maps(maps, normalization);
    for (int t = 0; t < 3; ++t)
      for (int s = 0; s < 3; ++s)
        EXPECT_NEAR(normalized_cell(maps.data.data(), 3, t, s, AbsRange{0.0f, 2.0f}, normalization),
                    uploaded[t * 3 + s], 1e-6f)
            << map_normalization_info(normalization).key << " t=" << t << " s=" << s;
  }
}

TEST(SsmPanelHelpers, ComplexNumbersAndTokens) {
  EXPECT_EQ(format_complex({0.5f, 0.0f}, false), "0.5");
  EXPECT_EQ(format_complex({0.5f, 0.25f}, true), "0.5 + 0.25i");
  EXPECT_EQ(format_complex({0.5f, -0.25f}, true), "0.5 \u2212 0.25i");
  compute::Inputs inputs;
  inputs.labels = {"a", "b"};
  EXPECT_EQ(position_label(inputs, 1), "'b'");
  EXPECT_EQ(position_label(inputs, 2), "");
}

TEST(SsmPanelHelpers, StateNormsPerChannelAndTotal) {
  compute::TensorC h({2, 2, 2});
  h.at(1, 0, 0) = {3.0f, 0.0f};
  h.at(1, 0, 1) = {0.0f, 4.0f};
  h.at(1, 1, 1) = {12.0f, 0.0f};
  EXPECT_FLOAT_EQ(state_norms(h, 0)[1], 5.0f);
  EXPECT_FLOAT_EQ(state_norms(h, 1)[1], 12.0f);
  EXPECT_FLOAT_EQ(state_norms(h, -1)[1], 13.0f);
  EXPECT_FLOAT_EQ(state_norms(h, -1)[0], 0.0f);
}

// The display eigenvalues for the model's own Δ and method must be the model's eigenvalues.
TEST(SsmFormulas, HypotheticalEigenvaluesAtTheModelsDeltaMatchTheModel) {
  for (SsmVariant variant : {SsmVariant::S4D, SsmVariant::S6, SsmVariant::Dense}) {
    for (Discretization method : {Discretization::Zoh, Discretization::Bilinear, Discretization::BackwardEuler}) {
      Session s = small_session(variant, method);
      if (variant == SsmVariant::Dense) s.ssm.init = compute::SsmInit::HippoLegs;
      const compute::Results r = run(s);
      const int t = 5, d = 1;
      auto predicted = discrete_eigenvalues(continuous_eigenvalues(r.ssm, d), r.ssm.delta(t, d), method);
      auto actual = discrete_eigenvalues_at(r.ssm, t, d);
      ASSERT_EQ(predicted.size(), actual.size());
      // Dense eigenvalues come sorted from a solver: compare as sets of moduli and real parts.
      auto key = [](std::complex<float> z) { return std::make_pair(std::abs(z), z.real()); };
      std::vector<std::pair<float, float>> p, a;
      for (size_t i = 0; i < actual.size(); ++i) p.push_back(key(predicted[i])), a.push_back(key(actual[i]));
      std::sort(p.begin(), p.end());
      std::sort(a.begin(), a.end());
      for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_NEAR(p[i].first, a[i].first, 1e-3f) << compute::discretization_name(method);
        EXPECT_NEAR(p[i].second, a[i].second, 1e-3f) << compute::discretization_name(method);
      }
    }
  }
}

TEST(SsmFormulas, ForwardEulerAtLargeDeltaIsUnstable) {
  const std::vector<std::complex<float>> a{{-1.0f, 0.0f}, {-0.1f, 0.0f}};
  EXPECT_EQ(count_unstable(discrete_eigenvalues(a, 0.5f, Discretization::Euler)), 0);
  EXPECT_EQ(count_unstable(discrete_eigenvalues(a, 3.0f, Discretization::Euler)), 1);  // |1 - 3| = 2
  EXPECT_EQ(count_unstable(discrete_eigenvalues(a, 3.0f, Discretization::Zoh)), 0);
}

TEST(SsmFormulas, LinesCarryTheNumbersOfTheResults) {
  const compute::Results r = run(small_session(SsmVariant::S4D, Discretization::Zoh));
  const int t = 4, d = 1, n = 2;
  const auto lines = formula_lines(r, t, d, n);
  ASSERT_GE(lines.size(), 5u);
  char abar[32], h[32];
  std::snprintf(abar, sizeof abar, "%.4g", r.ssm.Abar.at(t, d, n).real());
  std::snprintf(h, sizeof h, "%.4g", r.ssm.h.at(t, d, n).real());
  EXPECT_NE(lines[2].find("exp(ΔA)"), std::string::npos) << lines[2];
  EXPECT_NE(lines[2].find(abar), std::string::npos) << lines[2];
  EXPECT_NE(lines[3].find("(exp(ΔA) − 1)/A · B"), std::string::npos) << lines[3];
  EXPECT_NE(lines[4].find(h), std::string::npos) << lines[4];
  const auto mamba = formula_lines(run(small_session(SsmVariant::S6, Discretization::Mamba)), t, d, n);
  EXPECT_NE(mamba[0].find("softplus"), std::string::npos) << mamba[0];
  EXPECT_NE(mamba[3].find("Bbar u = Δ B u"), std::string::npos) << mamba[3];
  EXPECT_TRUE(formula_lines(r, 99, d, n).empty());
}

// [SECTION] rendered panels

struct Rgb8 {
  int r, g, b;
};

Rgb8 pixel(const Image& image, ImVec2 p) {
  const size_t i = (static_cast<size_t>(p.y) * image.width + static_cast<size_t>(p.x)) * 4;
  return {image.rgba[i], image.rgba[i + 1], image.rgba[i + 2]};
}

Rgb8 expected(Colormap map, float value, float lo, float hi) {
  const Rgba c = colormap_at(map, (value - lo) / (hi - lo));
  return {static_cast<int>(std::lround(c.r * 255)), static_cast<int>(std::lround(c.g * 255)),
          static_cast<int>(std::lround(c.b * 255))};
}

// Center of cell (row, col) of a rows x cols map drawn in [min, max].
ImVec2 cell_center(ImVec2 min, ImVec2 max, int row, int rows, int col, int cols) {
  return {min.x + (col + 0.5f) * (max.x - min.x) / cols, min.y + (row + 0.5f) * (max.y - min.y) / rows};
}

void expect_color(Rgb8 actual, Rgb8 wanted, const std::string& where) {
  // The LUT index is rounded on the GPU; one step of the 256-entry table is within 3.
  EXPECT_NEAR(actual.r, wanted.r, 3) << where;
  EXPECT_NEAR(actual.g, wanted.g, 3) << where;
  EXPECT_NEAR(actual.b, wanted.b, 3) << where;
}

size_t distinct_colors(const Image& image) {
  std::set<uint32_t> colors;
  for (size_t i = 0; i + 3 < image.rgba.size(); i += 4)
    colors.insert(image.rgba[i] | image.rgba[i + 1] << 8 | image.rgba[i + 2] << 16);
  return colors.size();
}

class SsmPanels : public ::testing::Test {
 protected:
  SsmPanels() : ui_(testing::test_context()) {}

  // max_buffer_bytes: the GpuResults chunk limit (0: the device's maxStorageBufferRange).
  Image render(Panel& panel, const compute::Results& results, ViewState& view, uint32_t width = 640,
               uint32_t height = 400, const std::string& png_name = "", VkDeviceSize max_buffer_bytes = 0) {
    GpuResults gpu(testing::test_context(), max_buffer_bytes);
    gpu.upload(std::make_shared<const compute::Results>(results), view.normalization);
    PanelContext context{gpu, ui_.renderer().heatmaps(), view};
    Image image = ui_.render(width, height, [&] {
      ImGui::SetNextWindowPos(ImVec2(0, 0));
      ImGui::SetNextWindowSize(ImVec2(static_cast<float>(width), static_cast<float>(height)));
      ImGui::Begin("panel", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
      panel.draw(context);
      ImGui::End();
    });
    if (const char* dir = std::getenv("SEQSCOPE_PANEL_PNG_DIR"); dir && !png_name.empty())
      write_png((std::filesystem::path(dir) / (png_name + ".png")).string(), image);
    return image;
  }

  HeadlessUi ui_;
};

TEST_F(SsmPanels, StateMapsShowHOnOneScale) {
  Session s = small_session(SsmVariant::S4D);
  const compute::Results r = run(s);
  ViewState view;
  view.cursor = 6;
  SsmStatePanel panel;
  const Image image = render(panel, r, view, 640, 400, "ssm_state_s4d");
  float max_abs = 0.0f;
  for (const auto& z : r.ssm.h.data) max_abs = std::max(max_abs, std::abs(z.real()));
  const auto& rects = panel.last_rects();
  // D x N at t: a cell away from the outlined channel row 0.
  for (int d = 1; d < 4; ++d)
    for (int n = 0; n < 4; ++n)
      expect_color(pixel(image, cell_center(rects.state_min, rects.state_max, d, 4, n, 4)),
                   expected(Colormap::Diverging, r.ssm.h.at(6, d, n).real(), -max_abs, max_abs),
                   "h_t cell d=" + std::to_string(d) + " n=" + std::to_string(n));
  // N x L trajectory of channel 0: (n, t) away from the cursor column.
  for (int t : {0, 3, 10})
    for (int n = 0; n < 4; ++n)
      expect_color(pixel(image, cell_center(rects.trajectory_min, rects.trajectory_max, n, 4, t, 12)),
                   expected(Colormap::Diverging, r.ssm.h.at(t, 0, n).real(), -max_abs, max_abs),
                   "trajectory n=" + std::to_string(n) + " t=" + std::to_string(t));
}

// view.state_color = channel: both maps over the selected channel's largest |Re h| (over t and n).
TEST_F(SsmPanels, StateMapsCanUseTheSelectedChannelsScale) {
  const compute::Results r = run(small_session(SsmVariant::S4D));
  std::vector<float> channel_max(static_cast<size_t>(r.ssm.D), 0.0f);
  for (int t = 0; t < r.ssm.L; ++t)
    for (int d = 0; d < r.ssm.D; ++d)
      for (int n = 0; n < r.ssm.N; ++n)
        channel_max[static_cast<size_t>(d)] =
            std::max(channel_max[static_cast<size_t>(d)], std::abs(r.ssm.h.at(t, d, n).real()));
  const auto quietest = std::min_element(channel_max.begin(), channel_max.end());
  const int d = static_cast<int>(quietest - channel_max.begin());
  const float m = *quietest;
  ASSERT_LT(m, 0.9f * *std::max_element(channel_max.begin(), channel_max.end())) << "the test needs a quiet channel";
  ViewState view;
  view.cursor = 6;
  view.channel = d;
  view.state_color = compute::StateColorScope::Channel;
  SsmStatePanel panel;
  const Image image = render(panel, r, view, 640, 400, "ssm_state_channel_scale");
  const auto& rects = panel.last_rects();
  for (int t : {0, 3, 10})
    for (int n = 0; n < 4; ++n)
      expect_color(pixel(image, cell_center(rects.trajectory_min, rects.trajectory_max, n, 4, t, 12)),
                   expected(Colormap::Diverging, r.ssm.h.at(t, d, n).real(), -m, m),
                   "trajectory n=" + std::to_string(n) + " t=" + std::to_string(t));
}

// view.shared_scale: α and the attention probs over the union of their displayed values.
TEST_F(SsmPanels, SharedScaleSpansAlphaAndAttention) {
  const compute::Results r = run(small_session(SsmVariant::S6, Discretization::Mamba));
  GpuResults gpu(testing::test_context());
  gpu.upload(std::make_shared<const compute::Results>(r), MapNormalization::Raw);
  float alpha_max_abs = 0.0f, probs_max = 0.0f;
  for (float x : r.ssm.hidden_attention.data) alpha_max_abs = std::max(alpha_max_abs, std::abs(x));
  for (float x : r.attention.probs.data) probs_max = std::max(probs_max, x);
  // Raw α is signed: one diverging range around 0 as wide as the larger of the two.
  const MapRange raw = shared_map_range(gpu.hidden_attention(), gpu.probs(), false);
  EXPECT_EQ(raw.colormap, Colormap::Diverging);
  EXPECT_FLOAT_EQ(raw.hi, std::max(alpha_max_abs, probs_max));
  EXPECT_FLOAT_EQ(raw.lo, -raw.hi);
  // Row-normalized maps are >= 0 (causal zeros included): log over 4 decades below the larger max.
  gpu.upload_maps(MapNormalization::RowNormalized);
  const MapRange log = shared_map_range(gpu.hidden_attention(), gpu.probs(), true);
  EXPECT_EQ(log.colormap, Colormap::Viridis);
  EXPECT_TRUE(log.log_scale);
  EXPECT_FLOAT_EQ(log.hi, std::log10(std::max(gpu.hidden_attention().max, gpu.probs().max)));
  EXPECT_FLOAT_EQ(log.lo, log.hi - 4.0f);
  // No attention: α's own values alone.
  const MapRange alone = shared_map_range(gpu.hidden_attention(), GpuTensor{}, false);
  EXPECT_FLOAT_EQ(alone.hi, gpu.hidden_attention().max);
}

TEST_F(SsmPanels, StateOfAnotherChannel) {
  const compute::Results r = run(small_session(SsmVariant::S6, Discretization::Mamba));
  ViewState view;
  view.channel = 2;
  view.cursor = 11;
  SsmStatePanel panel;
  const Image image = render(panel, r, view, 420, 260, "ssm_state_s6_small");
  float max_abs = 0.0f;
  for (const auto& z : r.ssm.h.data) max_abs = std::max(max_abs, std::abs(z.real()));
  const auto& rects = panel.last_rects();
  for (int n = 0; n < 4; ++n)
    expect_color(pixel(image, cell_center(rects.trajectory_min, rects.trajectory_max, n, 4, 5, 12)),
                 expected(Colormap::Diverging, r.ssm.h.at(5, 2, n).real(), -max_abs, max_abs),
                 "channel 2 trajectory n=" + std::to_string(n));
}

TEST_F(SsmPanels, HiddenAttentionCellsHaveTheirNormalizedColor) {
  const compute::Results r = run(small_session(SsmVariant::S6, Discretization::Mamba));
  for (MapNormalization normalization : {MapNormalization::RowNormalized, MapNormalization::Raw}) {
    ViewState view;
    view.normalization = normalization;
    view.log_scale = false;  // linear colours: the test reads them back as values
    view.channel = 2;  // computed in slot 1
    view.cursor = 0;
    HiddenAttentionPanel panel;
    const Image image = render(panel, r, view, 560, 400, std::string("hidden_attention_") + std::string(map_normalization_info(normalization).key));
    const float* alpha = r.ssm.hidden_attention.data.data() + 12 * 12;
    float max_abs = 0.0f;
    for (int i = 0; i < 144; ++i) max_abs = std::max(max_abs, std::abs(alpha[i]));
    const MapRange range = alpha_range(normalization, false, max_abs);
    for (int t : {3, 7, 11})
      for (int s : {0, 2, 3, 9}) {
        const float shown = normalized_cell(alpha, 12, t, s, AbsRange{0.0f, max_abs}, normalization);
        expect_color(pixel(image, cell_center(panel.last_map_min(), panel.last_map_max(), t, 12, s, 12)),
                     expected(range.colormap, shown, range.lo, range.hi),
                     std::string(map_normalization_info(normalization).key) + " t=" + std::to_string(t) + " s=" + std::to_string(s));
      }
    const ImVec2 size{panel.last_map_max().x - panel.last_map_min().x, panel.last_map_max().y - panel.last_map_min().y};
    EXPECT_NEAR(size.x, size.y, 1.0f);  // square
  }
}

TEST_F(SsmPanels, HiddenAttentionFallsBackToAComputedChannel) {
  const compute::Results r = run(small_session(SsmVariant::S4D));
  ViewState view;
  view.channel = 3;  // not computed: slot 0 (channel 0) is shown, with a note
  view.normalization = MapNormalization::Raw;  // row normalization would break the Toeplitz colors
  HiddenAttentionPanel panel;
  const Image image = render(panel, r, view, 400, 260, "hidden_attention_fallback");
  EXPECT_GT(distinct_colors(image), 20u);
  // S4D is LTI: α is Toeplitz, so cells on one diagonal share a color.
  const Rgb8 a = pixel(image, cell_center(panel.last_map_min(), panel.last_map_max(), 5, 12, 2, 12));
  const Rgb8 b = pixel(image, cell_center(panel.last_map_min(), panel.last_map_max(), 9, 12, 6, 12));
  expect_color(a, b, "Toeplitz diagonal t - s = 3");
}

// Issue 16, fault 6: a tensor above maxStorageBufferRange is split along t into buffers that
// each fit. With a 1 KiB limit, h [64, 4, 4] (4 KiB) of this session is 4 chunks of 16 steps,
// and every map over t is drawn from the pieces: the panels look as they do from one buffer.
TEST_F(SsmPanels, TensorsSplitIntoBuffersWithinTheLimitLookTheSame) {
  Session s = small_session(SsmVariant::S6, Discretization::Mamba);
  s.input.length = 64;
  const compute::Results r = run(s);
  constexpr VkDeviceSize k_limit = 1024;
  GpuResults split(testing::test_context(), k_limit);
  split.upload(std::make_shared<const compute::Results>(r), MapNormalization::RowNormalized);
  ASSERT_EQ(split.h().chunks.size(), 4u);
  EXPECT_EQ(split.h().chunk_rows, 16);
  for (const GpuTensor* tensor : {&split.h(), &split.abar(), &split.bbar(), &split.delta(), &split.c()})
    for (const auto& chunk : tensor->chunks) EXPECT_LE(chunk->size(), k_limit);

  ViewState view;
  view.cursor = 37;  // in the third chunk
  view.channel = 2;
  SsmStatePanel state;
  SsmDynamicsPanel dynamics;
  view.dynamics_tab = compute::DynamicsTab::Matrices;
  for (Panel* panel : std::initializer_list<Panel*>{&state, &dynamics}) {
    const Image whole = render(*panel, r, view, 640, 400);
    const Image pieces = render(*panel, r, view, 640, 400, "", k_limit);
    ASSERT_EQ(whole.rgba.size(), pieces.rgba.size());
    size_t differing = 0;
    for (size_t i = 0; i < whole.rgba.size(); i += 4)
      if (std::abs(whole.rgba[i] - pieces.rgba[i]) > 3 || std::abs(whole.rgba[i + 1] - pieces.rgba[i + 1]) > 3 ||
          std::abs(whole.rgba[i + 2] - pieces.rgba[i + 2]) > 3)
        ++differing;
    // Only a pixel column at a seam between pieces may round the other way.
    EXPECT_LE(differing, 3u * 400u) << panel->name();
    EXPECT_GT(distinct_colors(pieces), 8u);
  }
}

TEST_F(SsmPanels, DynamicsTabsRenderForEveryVariant) {
  struct Case {
    const char* name;
    SsmVariant variant;
    Discretization method;
    compute::SsmInit init;
    bool gate, bidirectional;
  };
  const Case cases[] = {
      {"s4d_lin", SsmVariant::S4D, Discretization::Zoh, compute::SsmInit::S4DLin, false, false},
      {"s6_gated_bidir", SsmVariant::S6, Discretization::Mamba, compute::SsmInit::S4DReal, true, true},
      {"mamba2", SsmVariant::Mamba2, Discretization::Zoh, compute::SsmInit::S4DReal, false, false},
      {"dense_hippo", SsmVariant::Dense, Discretization::Bilinear, compute::SsmInit::HippoLegs, false, false},
      {"shift", SsmVariant::Shift, Discretization::Zoh, compute::SsmInit::S4DReal, false, false},
      {"s4d_euler", SsmVariant::S4D, Discretization::Euler, compute::SsmInit::S4DReal, false, false},
  };
  using compute::DynamicsTab;
  const DynamicsTab tabs[] = {DynamicsTab::Eigenvalues, DynamicsTab::Delta, DynamicsTab::Matrices, DynamicsTab::Kernel,
                              DynamicsTab::Formulas};
  for (const Case& c : cases) {
    Session s = small_session(c.variant, c.method);
    s.ssm.init = c.init;
    s.ssm.gate = c.gate;
    s.ssm.bidirectional = c.bidirectional;
    if (c.variant == SsmVariant::Mamba2) s.d_model = 8;
    if (c.method == Discretization::Euler) s.ssm.dt_min = s.ssm.dt_max = 3.0;  // |1 + ΔA| > 1
    const compute::Results r = run(s);
    ViewState view;
    view.cursor = 5;
    view.channel = 1;
    SsmDynamicsPanel panel;
    for (int i = 0; i < 5; ++i) {
      view.dynamics_tab = tabs[i];
      const Image image =
          render(panel, r, view, 640, 360, std::string("ssm_dynamics_") + c.name + "_tab" + std::to_string(i));
      EXPECT_GT(distinct_colors(image), 8u) << c.name << " tab " << i;
    }
    EXPECT_FLOAT_EQ(panel.display_delta(), std::clamp(r.ssm.delta(5, 1), 1e-4f, 10.0f)) << c.name;
    EXPECT_EQ(panel.display_method(), c.method) << c.name;
    if (c.method == Discretization::Euler) {
      EXPECT_TRUE(r.ssm.unstable());
    }
  }
}

TEST_F(SsmPanels, SsmStateAndAlphaForEveryVariantAtSmallSize) {
  for (SsmVariant variant : {SsmVariant::S4D, SsmVariant::Dense, SsmVariant::Shift, SsmVariant::Mamba2}) {
    Session s = small_session(variant);
    if (variant == SsmVariant::Mamba2) s.d_model = 8;
    if (variant == SsmVariant::Dense) s.ssm.init = compute::SsmInit::HippoLegs;
    const compute::Results r = run(s);
    ViewState view;
    SsmStatePanel state;
    HiddenAttentionPanel alpha;
    const std::string name(compute::schema::enum_name(variant));
    EXPECT_GT(distinct_colors(render(state, r, view, 350, 200, "ssm_state_" + name)), 8u) << name;
    EXPECT_GT(distinct_colors(render(alpha, r, view, 350, 200, "hidden_attention_" + name)), 8u) << name;
  }
}

}  // namespace
}  // namespace seqscope::viz
