#include "viz/panels/test_pattern_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "viz/render/heatmap_item.h"

namespace seqscope::viz {
namespace {

constexpr float k_colorbar_bar = 14.0f;

std::vector<float> fill(uint32_t side, float (*value)(uint32_t, uint32_t, uint32_t)) {
  std::vector<float> data(size_t{side} * side);
  for (uint32_t r = 0; r < side; ++r)
    for (uint32_t c = 0; c < side; ++c) data[size_t{r} * side + c] = value(r, c, side);
  return data;
}

}  // namespace

float TestPatternPanel::large_value(uint32_t row, uint32_t col, uint32_t side) {
  // A diagonal ramp with fine rings: shows orientation (row 0 at the top) and that every cell
  // of a 4096² matrix is reachable by one quad.
  const float x = static_cast<float>(col) / side, y = static_cast<float>(row) / side;
  const float ring = 0.5f + 0.5f * std::cos(40.0f * std::numbers::pi_v<float> * std::hypot(x - 0.5f, y - 0.5f));
  return 0.7f * (0.5f * (x + y)) + 0.3f * ring;
}

float TestPatternPanel::signed_value(uint32_t row, uint32_t col, uint32_t side) {
  const float x = static_cast<float>(col) / (side - 1) * 2.0f - 1.0f;
  const float y = static_cast<float>(row) / (side - 1) * 2.0f - 1.0f;
  return std::sin(std::numbers::pi_v<float> * x) * std::cos(0.5f * std::numbers::pi_v<float> * y);
}

TestPatternPanel::TestPatternPanel(const gpu::Context& context, HeatmapRenderer& heatmaps, uint32_t side)
    : heatmaps_(heatmaps), side_(side) {
  const auto large = fill(side, &large_value);
  large_ = std::make_unique<gpu::GpuBuffer>(context, large.size() * sizeof(float));
  large_->upload(large);
  const auto signed_data = fill(signed_side_, &signed_value);
  signed_ = std::make_unique<gpu::GpuBuffer>(context, signed_data.size() * sizeof(float));
  signed_->upload(signed_data);
}

void TestPatternPanel::draw() {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float text = ImGui::GetTextLineHeightWithSpacing();
  const float side = std::max(64.0f, std::min((avail.x - 2.0f * colorbar_width(k_colorbar_bar)) * 0.5f - 24.0f,
                                              avail.y - 3.0f * text));
  HeatmapView large{large_.get(), side_, side_, 0, side_, 1, 0.0f, 1.0f, Colormap::Viridis, false};
  HeatmapView signed_view{signed_.get(), signed_side_, signed_side_, 0, signed_side_, 1, -1.0f, 1.0f,
                          Colormap::Diverging, false};

  ImGui::BeginGroup();
  ImGui::Text("%u × %u matrix, one quad (viridis)", side_, side_);
  const HeatmapHover a = heatmap_item("##large", heatmaps_, large, ImVec2(side, side));
  ImGui::SameLine();
  colorbar("large_bar", Colormap::Viridis, large.lo, large.hi, false, ImVec2(k_colorbar_bar, side));
  ImGui::EndGroup();
  ImGui::SameLine(0.0f, 24.0f);
  ImGui::BeginGroup();
  ImGui::Text("signed %u × %u (diverging, 0 = white)", signed_side_, signed_side_);
  const HeatmapHover b = heatmap_item("##signed", heatmaps_, signed_view, ImVec2(side, side));
  ImGui::SameLine();
  colorbar("signed_bar", Colormap::Diverging, signed_view.lo, signed_view.hi, false, ImVec2(k_colorbar_bar, side));
  ImGui::EndGroup();

  if (a.hovered)
    ImGui::SetTooltip("row %d, col %d\nvalue %.6f", a.row, a.col,
                      large_value(static_cast<uint32_t>(a.row), static_cast<uint32_t>(a.col), side_));
  if (b.hovered)
    ImGui::SetTooltip("row %d, col %d\nvalue %.6f", b.row, b.col,
                      signed_value(static_cast<uint32_t>(b.row), static_cast<uint32_t>(b.col), signed_side_));
}

}  // namespace seqscope::viz
