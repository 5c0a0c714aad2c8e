// HiddenAttentionPanel: header (channel, normalization, log scale), the square α map with its
// colorbar and the query-row outline, the identity it demonstrates.
//
// Index (each part starts at a "// [SECTION] name" line):
//   header
//   map
#include "viz/panels/hidden_attention_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "compute/ssm/hidden_attention.h"
#include "viz/panels/figure_map.h"
#include "viz/panels/ssm_panel_util.h"
#include "viz/render/heatmap_item.h"
#include "viz/widgets/plot.h"
#include "viz/widgets/text_fit.h"

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

// The [side, side] map a panel shows for slot: the full alpha or the chosen pooled statistic.
static const compute::Tensor& shown_alpha(const compute::SsmResults& ssm, PooledStatistic statistic) {
  if (!ssm.pooled()) return ssm.hidden_attention;
  return statistic == PooledStatistic::Mean ? ssm.hidden_attention_overview.mean : ssm.hidden_attention_overview.max_abs;
}

void HiddenAttentionPanel::update_range(const compute::SsmResults& ssm, int slot, PooledStatistic statistic) {
  const compute::Tensor& maps = shown_alpha(ssm, statistic);
  const void* key = maps.data.data();
  if (key == range_key_ && slot == range_slot_) return;
  const size_t count = static_cast<size_t>(maps.shape[1] * maps.shape[2]);
  const float* map = maps.data.data() + static_cast<size_t>(slot) * count;
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

// [SECTION] header

void HiddenAttentionPanel::draw_header(PanelContext& context, int slot) {
  const compute::SsmResults& ssm = context.results.ssm;
  const int shown = ssm.hidden_attention_channels[static_cast<size_t>(slot)];
  const float start_x = ImGui::GetCursorPosX(), full_w = ImGui::GetContentRegionAvail().x;
  char text[160];
  std::snprintf(text, sizeof text, "%s · channel d = %d · t = %d", title(), shown, context.view.cursor);
  ImGui::TextUnformatted(text);
  // Normalization and log scale at the right of the title when they fit, else on their own line.
  const float combo_w = ImGui::CalcTextSize("row-normalized |α|").x + ImGui::GetFrameHeight() + 12.0f;
  auto checkbox_w = [](const char* label) {
    return ImGui::CalcTextSize(label).x + ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x;
  };
  const float controls_w = combo_w + k_gap + checkbox_w("log") + k_gap + checkbox_w("shared");
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
  ImGui::SameLine(0.0f, k_gap);
  ImGui::Checkbox("shared", &context.view.shared_scale);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("One color range for α and the attention map");
  if (shown != context.view.channel)
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(k_warning_color),
                       "α is computed for channels %s; choose the α channel in Controls",
                       format_channel_list(ssm.hidden_attention_channels).c_str());
  if (ssm.bidirectional) ImGui::TextDisabled("bidirectional: α = forward + flipped backward (not causal)");
}

// [SECTION] map

void HiddenAttentionPanel::tooltip(const PanelContext& context, int slot, int t, int s) const {
  const compute::SsmResults& ssm = context.results.ssm;
  const float raw = alpha_map(ssm, slot)[static_cast<size_t>(t) * ssm.L + s];
  const float shown =
      normalized_cell(alpha_map(ssm, slot), ssm.L, t, s, AbsRange{min_abs_, max_abs_}, context.view.normalization);
  ImGui::BeginTooltip();
  ImGui::Text("query t = %d %s", t, position_label(context.results.inputs, t).c_str());
  ImGui::Text("key   s = %d %s", s, position_label(context.results.inputs, s).c_str());
  ImGui::Text("α[t, s] = %.5g", raw);
  if (context.view.normalization != MapNormalization::Raw)
    ImGui::Text("shown: %.4g (%s)", shown, map_normalization_info(context.view.normalization).alpha_label);
  if (s > t && !ssm.bidirectional) ImGui::TextDisabled("s > t: a causal scan never reads the future");
  ImGui::TextDisabled("click: move the cursor to t = %d", t);
  ImGui::EndTooltip();
}

void HiddenAttentionPanel::block_tooltip(const PanelContext& context, int slot, int row, int col) const {
  const compute::SsmResults& ssm = context.results.ssm;
  const compute::MapOverview& o = ssm.hidden_attention_overview;
  const MapGeometry g = map_geometry(ssm.L, o);
  ImGui::BeginTooltip();
  ImGui::Text("queries %s → keys %s", index_span("t", g, row).c_str(), index_span("s", g, col).c_str());
  ImGui::Text("max |α| = %.5g · mean α = %.5g", o.max_abs.at(slot, row, col), o.mean.at(slot, row, col));
  ImGui::TextDisabled("click: move the cursor to t = %d", g.first(row));
  ImGui::EndTooltip();
}

void HiddenAttentionPanel::draw_map(PanelContext& context, int slot, float height) {
  const compute::SsmResults& ssm = context.results.ssm;
  const MapGeometry g = map_geometry(ssm.L, ssm.hidden_attention_overview);
  const float cb_w = colorbar_width(k_colorbar_bar);
  const float side = std::max(24.0f, std::min(ImGui::GetContentRegionAvail().x - cb_w - k_gap, height));
  const MapRange range = shown_range(context);
  HeatmapView view = GpuResults::slice_view(context.gpu.hidden_attention(), slot, range.colormap, range.lo, range.hi);
  view.log_scale = range.log_scale;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const HeatmapHover hover = heatmap_item("##alpha", context.heatmaps, view, ImVec2(side, side));
  map_min_ = ImGui::GetItemRectMin();
  map_max_ = ImGui::GetItemRectMax();
  outline_row(ImGui::GetWindowDrawList(), map_min_, map_max_, g.cell_of(context.view.cursor), g.side(), k_highlight_color);
  if (hover.hovered && g.pooled()) block_tooltip(context, slot, hover.row, hover.col);
  else if (hover.hovered) tooltip(context, slot, hover.row, hover.col);
  HeatmapHover click = hover;
  click.row = hover.row >= 0 ? g.first(hover.row) : hover.row;  // a block row moves t to its first query
  apply_map_click(context.view, MapAxes::RowIsT, click);
  ImGui::SetCursorScreenPos(ImVec2(origin.x + side + k_gap, origin.y));
  colorbar("##alpha_colorbar", range.colormap, range.lo, range.hi, range.log_scale, ImVec2(k_colorbar_bar, side));
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + side + ImGui::GetStyle().ItemSpacing.y));
}

MapRange HiddenAttentionPanel::shown_range(const PanelContext& context) const {
  return context.view.shared_scale
             ? shared_map_range(context.gpu.hidden_attention(), context.gpu.probs(), context.view.log_scale)
             : alpha_range(context.view.normalization, context.view.log_scale, max_abs_);
}

void HiddenAttentionPanel::draw_figure(PanelContext& context, int slot) {
  const compute::SsmResults& ssm = context.results.ssm;
  const int t = context.view.cursor;
  const int d = ssm.hidden_attention_channels[static_cast<size_t>(slot)];
  FigureMap map;
  map.title = format_text("Hidden attention α (SSM) · channel %d · %s%s", d,
                          map_normalization_info(context.view.normalization).short_label,
                          context.view.log_scale ? " · log" : "");
  map.maps = &context.gpu.hidden_attention();
  map.index = slot;
  map.range = shown_range(context);
  map.geometry = map_geometry(ssm.L, ssm.hidden_attention_overview);
  map.t = t;
  map.row = row_cache_.get(context.gpu.generation(), slot, t, [&] { return compute::hidden_attention_row(ssm, d, t); });
  map.labels = &context.results.inputs.labels;
  map.symbol = "α";
  map.colorbar = context.figure_colorbar;
  draw_figure_map(context, map);
}

void HiddenAttentionPanel::draw_exact_row(PanelContext& context, int slot, float height) {
  const compute::SsmResults& ssm = context.results.ssm;
  const int t = context.view.cursor;
  const int d = ssm.hidden_attention_channels[static_cast<size_t>(slot)];
  const std::vector<float>& row =
      row_cache_.get(context.gpu.generation(), slot, t, [&] { return compute::hidden_attention_row(ssm, d, t); });
  const Series series[] = {{format_text("α[t = %d, s] (exact)", t), row, 0}};
  LinePlotOptions options;
  options.cursor = t;
  options.x_label = "s";
  line_plot("##alpha_row", series, ImVec2(ImGui::GetContentRegionAvail().x, height), options);
}

void HiddenAttentionPanel::draw(PanelContext& context) {
  const compute::SsmResults& ssm = context.results.ssm;
  const int slot = alpha_slot(ssm.hidden_attention_channels, context.view.channel);
  if (slot < 0 || (ssm.hidden_attention.rank() != 3 && !ssm.pooled()) || ssm.L == 0) {
    ImGui::TextUnformatted(title());
    ImGui::TextDisabled("α is not computed for any channel; choose the α channel in Controls");
    return;
  }
  context.view.cursor = std::clamp(context.view.cursor, 0, ssm.L - 1);
  update_range(ssm, slot, context.view.pooled);
  if (context.figure) {
    draw_figure(context, slot);
    return;
  }
  draw_header(context, slot);
  const MapGeometry g = map_geometry(ssm.L, ssm.hidden_attention_overview);
  if (g.pooled() && pooled_map_note(g, context.view, "##pooled_alpha")) context.maps_dirty = true;
  // The identity line under the map wraps when the panel is narrow; under an overview the
  // exact row of the current query takes its place.
  const float wrap_w = ImGui::GetContentRegionAvail().x;
  const float below = g.pooled() ? 4.0f * ImGui::GetTextLineHeightWithSpacing()
                                 : ImGui::CalcTextSize(k_identity, nullptr, false, wrap_w).y;
  draw_map(context, slot, ImGui::GetContentRegionAvail().y - below - ImGui::GetStyle().ItemSpacing.y);
  if (g.pooled()) {
    draw_exact_row(context, slot, ImGui::GetContentRegionAvail().y);
    return;
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", k_identity);
  ImGui::PopStyleColor();
}

}  // namespace seqscope::viz
