// HiddenAttentionPanel: header (channel, normalization, log scale), the square α map with its
// colorbar and the query-row outline, the identity it demonstrates.
#include "viz/hidden_attention_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "viz/ssm_panel_util.h"
#include "viz/widgets.h"

namespace seqscope::viz {
namespace {

constexpr float k_colorbar_bar = 12.0f;
constexpr float k_gap = 8.0f;
constexpr const char* k_identity =
    "y_d = α_d · u_d (+ D u) — the SSM's implicit attention map; LTI models give a Toeplitz α (K[t−s])";
constexpr const char* k_normalizations[] = {"raw α", "row-normalized |α|", "min-max |α|"};

const float* alpha_map(const compute::SsmResults& ssm, int slot) {
  return ssm.hidden_attention.data.data() + static_cast<size_t>(slot) * ssm.L * ssm.L;
}

}  // namespace

void HiddenAttentionPanel::update_range(const compute::SsmResults& ssm, int slot) {
  const void* key = ssm.hidden_attention.data.data();
  if (key == range_key_ && slot == range_slot_) return;
  const float* map = alpha_map(ssm, slot);
  const size_t count = static_cast<size_t>(ssm.L) * ssm.L;
  min_abs_ = std::abs(map[0]);
  max_abs_ = 0.0f;
  for (size_t i = 0; i < count; ++i) {
    if (!std::isfinite(map[i])) continue;
    min_abs_ = std::min(min_abs_, std::abs(map[i]));
    max_abs_ = std::max(max_abs_, std::abs(map[i]));
  }
  range_key_ = key;
  range_slot_ = slot;
}

// ---- header --------------------------------------------------------------------------------

void HiddenAttentionPanel::draw_header(PanelContext& context, int slot) {
  const compute::SsmResults& ssm = context.results.ssm;
  const int shown = ssm.hidden_attention_channels[static_cast<size_t>(slot)];
  const float start_x = ImGui::GetCursorPosX(), full_w = ImGui::GetContentRegionAvail().x;
  char text[160];
  std::snprintf(text, sizeof text, "%s · channel d = %d · t = %d", title(), shown, context.view.cursor);
  ImGui::TextUnformatted(text);
  // Normalization and log scale at the right of the title when they fit, else on their own line.
  const float combo_w = ImGui::CalcTextSize("row-normalized |α|").x + ImGui::GetFrameHeight() + 12.0f;
  const float log_w = ImGui::CalcTextSize("log").x + ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x;
  const float controls_w = combo_w + k_gap + log_w;
  if (full_w - ImGui::CalcTextSize(text).x - k_gap >= controls_w) ImGui::SameLine(start_x + full_w - controls_w);
  int normalization = static_cast<int>(context.view.normalization);
  ImGui::SetNextItemWidth(combo_w);
  if (ImGui::Combo("##normalization", &normalization, k_normalizations, IM_ARRAYSIZE(k_normalizations))) {
    context.view.normalization = static_cast<MapNormalization>(normalization);
    context.maps_dirty = true;  // the app re-uploads both L x L maps with the new scaling
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("How α is scaled for display (shared with the attention map):\n"
                      "raw α: signed, diverging colors around 0\n"
                      "row-normalized |α|: each row divided by its sum of |α|, like softmax rows\n"
                      "min-max |α|: |α| scaled to [0, 1] over the map");
  ImGui::SameLine(0.0f, k_gap);
  ImGui::Checkbox("log", &context.view.log_scale);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Color by log10 |α| (4 decades below the largest)");
  if (shown != context.view.channel)
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(k_warning_color),
                       "α is computed for channels %s; choose the α channel in Controls",
                       format_channel_list(ssm.hidden_attention_channels).c_str());
  if (ssm.bidirectional) ImGui::TextDisabled("bidirectional: α = forward + flipped backward (not causal)");
}

// ---- map -----------------------------------------------------------------------------------

void HiddenAttentionPanel::tooltip(const PanelContext& context, int slot, int t, int s) const {
  const compute::SsmResults& ssm = context.results.ssm;
  const float raw = alpha_map(ssm, slot)[static_cast<size_t>(t) * ssm.L + s];
  const float shown = normalized_alpha(alpha_map(ssm, slot), ssm.L, t, s, context.view.normalization, min_abs_, max_abs_);
  ImGui::BeginTooltip();
  ImGui::Text("query t = %d %s", t, position_label(context.results.inputs, t).c_str());
  ImGui::Text("key   s = %d %s", s, position_label(context.results.inputs, s).c_str());
  ImGui::Text("α[t, s] = %.5g", raw);
  if (context.view.normalization != MapNormalization::Raw)
    ImGui::Text("shown: %.4g (%s)", shown, normalization_name(context.view.normalization));
  if (s > t && !ssm.bidirectional) ImGui::TextDisabled("s > t: a causal scan never reads the future");
  ImGui::TextDisabled("click: move the cursor to t = %d", t);
  ImGui::EndTooltip();
}

void HiddenAttentionPanel::draw_map(PanelContext& context, int slot, float height) {
  const compute::SsmResults& ssm = context.results.ssm;
  const float cb_w = colorbar_width(k_colorbar_bar);
  const float side = std::max(24.0f, std::min(ImGui::GetContentRegionAvail().x - cb_w - k_gap, height));
  const MapRange range = alpha_range(context.view.normalization, context.view.log_scale, max_abs_);
  HeatmapView view = GpuResults::slice_view(context.gpu.hidden_attention(), slot, range.colormap, range.lo, range.hi);
  view.log_scale = range.log_scale;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const HeatmapHover hover = heatmap_item("##alpha", context.heatmaps, view, ImVec2(side, side));
  map_min_ = ImGui::GetItemRectMin();
  map_max_ = ImGui::GetItemRectMax();
  outline_row(ImGui::GetWindowDrawList(), map_min_, map_max_, context.view.cursor, ssm.L, k_highlight_color);
  if (hover.hovered) tooltip(context, slot, hover.row, hover.col);
  apply_map_click(context.view, MapAxes::RowIsT, hover);
  ImGui::SetCursorScreenPos(ImVec2(origin.x + side + k_gap, origin.y));
  colorbar("##alpha_colorbar", range.colormap, range.lo, range.hi, range.log_scale, ImVec2(k_colorbar_bar, side));
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + side + ImGui::GetStyle().ItemSpacing.y));
}

void HiddenAttentionPanel::draw(PanelContext& context) {
  const compute::SsmResults& ssm = context.results.ssm;
  const int slot = alpha_slot(ssm.hidden_attention_channels, context.view.channel);
  if (slot < 0 || ssm.hidden_attention.rank() != 3 || ssm.L == 0) {
    ImGui::TextUnformatted(title());
    ImGui::TextDisabled("α is not computed for any channel; choose the α channel in Controls");
    return;
  }
  context.view.cursor = std::clamp(context.view.cursor, 0, ssm.L - 1);
  update_range(ssm, slot);
  draw_header(context, slot);
  // The identity line under the map wraps when the panel is narrow.
  const float wrap_w = ImGui::GetContentRegionAvail().x;
  const float identity_h = ImGui::CalcTextSize(k_identity, nullptr, false, wrap_w).y;
  draw_map(context, slot, ImGui::GetContentRegionAvail().y - identity_h - ImGui::GetStyle().ItemSpacing.y);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", k_identity);
  ImGui::PopStyleColor();
}

}  // namespace seqscope::viz
