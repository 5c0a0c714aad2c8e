// Figure maps (see figure_map.h).
//
// Index (each part starts at a "// [SECTION] name" line):
//   axes
//   where does t look
//   map
#include "viz/panels/figure_map.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "viz/panels/ssm_panel_util.h"
#include "viz/render/heatmap_item.h"
#include "viz/widgets/plot.h"
#include "viz/widgets/text_fit.h"

namespace seqscope::viz {
namespace {

constexpr float k_colorbar_bar = 12.0f;
constexpr float k_gap = 8.0f;

uint32_t dim_text() { return ImGui::GetColorU32(ImGuiCol_TextDisabled); }
uint32_t bright_text() { return ImGui::GetColorU32(ImGuiCol_Text); }

// Whether every label fits: under columns `cell` pixels wide, or left of rows `cell` pixels tall
// in a margin `margin` pixels wide.
bool labels_fit_columns(const std::vector<std::string>& labels, float cell) {
  if (labels.empty()) return false;
  for (const std::string& label : labels)
    if (ImGui::CalcTextSize(label.c_str()).x > cell + 2.0f) return false;
  return true;
}
bool labels_fit_rows(const std::vector<std::string>& labels, float cell, float margin) {
  if (labels.empty() || cell < ImGui::GetTextLineHeight()) return false;
  for (const std::string& label : labels)
    if (ImGui::CalcTextSize(label.c_str()).x > margin - 6.0f) return false;
  return true;
}

// [SECTION] axes

// Left of the map: a token per row where they fit, else 0, t and L - 1; "t" in the middle.
void query_axis(const FigureMap& map, ImVec2 min, ImVec2 max, float margin) {
  ImDrawList* list = ImGui::GetWindowDrawList();
  const MapGeometry& g = map.geometry;
  const float cell = (max.y - min.y) / static_cast<float>(g.side());
  const float line = ImGui::GetTextLineHeight();
  auto right_aligned = [&](float y, const std::string& text, uint32_t color) {
    list->AddText(ImVec2(min.x - ImGui::CalcTextSize(text.c_str()).x - 4.0f, y), color, text.c_str());
  };
  if (!g.pooled() && map.labels && labels_fit_rows(*map.labels, cell, margin)) {
    for (int r = 0; r < g.side(); ++r)
      right_aligned(min.y + (r + 0.5f) * cell - 0.5f * line, (*map.labels)[static_cast<size_t>(r)],
                    r == map.t ? bright_text() : dim_text());
    return;
  }
  // The cursor's label at its row; 0 and L - 1 where they do not collide with it.
  const float cursor_y = std::clamp(min.y + (g.cell_of(map.t) + 0.5f) * cell - 0.5f * line, min.y, max.y - line);
  right_aligned(cursor_y, "t=" + std::to_string(map.t), bright_text());
  if (cursor_y - min.y >= line) right_aligned(min.y, "0", dim_text());
  if (max.y - line - cursor_y >= line) right_aligned(max.y - line, std::to_string(g.L - 1), dim_text());
}

// Under the map: 0, "key s" and L - 1.
void key_axis(const FigureMap& map, ImVec2 min, ImVec2 max) {
  ImDrawList* list = ImGui::GetWindowDrawList();
  const std::string last = std::to_string(map.geometry.L - 1);
  const float y = max.y + 2.0f;
  list->AddText(ImVec2(min.x, y), dim_text(), "0");
  list->AddText(ImVec2(max.x - ImGui::CalcTextSize(last.c_str()).x, y), dim_text(), last.c_str());
  const char* name = "key s";
  list->AddText(ImVec2(0.5f * (min.x + max.x - ImGui::CalcTextSize(name).x), y), dim_text(), name);
}

// [SECTION] where does t look

// Bars of `shares` over [x0, x1], one per key (several keys per pixel column: their largest),
// the largest share's bar white; the key tokens under the bars when every one fits.
void share_bars(const FigureMap& map, const std::vector<float>& shares, int best, ImVec2 min, ImVec2 max) {
  ImDrawList* list = ImGui::GetWindowDrawList();
  const size_t n = shares.size();
  const float top = shares.empty() ? 1.0f : std::max(1e-12f, shares[static_cast<size_t>(best)]);
  list->AddRectFilled(min, max, IM_COL32(255, 255, 255, 10));
  const float width = max.x - min.x, cell = width / static_cast<float>(std::max<size_t>(1, n));
  const size_t columns = cell >= 1.0f ? n : static_cast<size_t>(std::max(1.0f, width));
  for (size_t c = 0; c < columns; ++c) {
    const size_t first = c * n / columns, last = std::max(first + 1, (c + 1) * n / columns);
    float v = 0.0f;
    bool holds_best = false;
    for (size_t i = first; i < last && i < n; ++i) {
      v = std::max(v, shares[i]);
      holds_best = holds_best || static_cast<int>(i) == best;
    }
    const float x0 = min.x + static_cast<float>(c) * width / static_cast<float>(columns);
    const float x1 = std::max(x0 + 1.0f, min.x + static_cast<float>(c + 1) * width / static_cast<float>(columns) -
                                             (cell > 4.0f ? 1.0f : 0.0f));
    const float h = std::clamp(v / top, 0.0f, 1.0f) * (max.y - min.y);
    if (h > 0.0f) list->AddRectFilled(ImVec2(x0, max.y - h), ImVec2(x1, max.y), holds_best ? IM_COL32(255, 255, 255, 230) : series_color(1));
  }
  char top_label[32];
  std::snprintf(top_label, sizeof top_label, "%.2g", top);
  list->AddText(ImVec2(min.x - ImGui::CalcTextSize(top_label).x - 4.0f, min.y), dim_text(), top_label);
  list->AddText(ImVec2(min.x - ImGui::CalcTextSize("0").x - 4.0f, max.y - ImGui::GetTextLineHeight()), dim_text(), "0");
  if (!map.labels || map.geometry.pooled() || !labels_fit_columns(*map.labels, cell)) return;
  for (size_t i = 0; i < n; ++i) {
    const std::string& label = (*map.labels)[i];
    const float x = min.x + (static_cast<float>(i) + 0.5f) * cell - 0.5f * ImGui::CalcTextSize(label.c_str()).x;
    list->AddText(ImVec2(x, max.y + 2.0f), static_cast<int>(i) == best ? bright_text() : dim_text(), label.c_str());
  }
}

}  // namespace

std::vector<float> row_shares(const std::vector<float>& row) {
  double total = 0.0;
  for (float x : row) total += std::isfinite(x) ? std::abs(x) : 0.0;
  std::vector<float> shares(row.size(), 0.0f);
  if (total <= 0.0) return shares;
  for (size_t i = 0; i < row.size(); ++i)
    shares[i] = std::isfinite(row[i]) ? static_cast<float>(std::abs(row[i]) / total) : 0.0f;
  return shares;
}

// [SECTION] map

void draw_figure_map(PanelContext& context, const FigureMap& map) {
  const float line = ImGui::GetTextLineHeight(), spacing = ImGui::GetStyle().ItemSpacing.y;
  text_line(map.title);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const std::vector<float> shares = row_shares(map.row);
  const int best = shares.empty() ? 0 : static_cast<int>(std::max_element(shares.begin(), shares.end()) - shares.begin());
  // Margin left of the map for the query labels and the bars' ticks; the colorbar right of it.
  float margin = ImGui::CalcTextSize("t=00000").x + 8.0f;
  if (map.labels)
    for (const std::string& label : *map.labels) margin = std::max(margin, std::min(ImGui::CalcTextSize(label.c_str()).x + 10.0f, 90.0f));
  const float bar_w = map.colorbar ? colorbar_width(k_colorbar_bar) + k_gap : 0.0f;
  // Under the map: the key axis, the caption, the bars (a fifth of the side) and their labels.
  const float below_fixed = 3.0f * (line + spacing);
  float side = std::max(32.0f, avail.x - margin - bar_w - 4.0f);
  side = std::min(side, std::max(32.0f, (avail.y - below_fixed) / 1.2f));
  const float bars_h = std::max(2.0f * line, 0.2f * side);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 min{origin.x + margin, origin.y};
  const ImVec2 max{min.x + side, min.y + side};

  HeatmapView view = GpuResults::slice_view(*map.maps, map.index, map.range.colormap, map.range.lo, map.range.hi);
  view.log_scale = map.range.log_scale;
  ImGui::SetCursorScreenPos(min);
  heatmap_item("##figure_map", context.heatmaps, view, ImVec2(side, side));
  ImDrawList* list = ImGui::GetWindowDrawList();
  outline_row(list, min, max, map.geometry.cell_of(map.t), map.geometry.side(), k_highlight_color);
  context.figure_map_min = min;
  context.figure_map_max = max;
  query_axis(map, min, max, margin);
  key_axis(map, min, max);
  if (map.colorbar) {
    ImGui::SetCursorScreenPos(ImVec2(max.x + k_gap, min.y));
    colorbar("##figure_colorbar", map.range.colormap, map.range.lo, map.range.hi, map.range.log_scale,
             ImVec2(k_colorbar_bar, side));
  }
  // "where does t look?" under the map, the bars aligned with its columns.
  const float caption_y = max.y + line + 2.0f * spacing;
  const std::string caption =
      shares.empty() ? std::string()
                     : format_text("where does t = %d look? share of |%s[t, s]| · max s = %d '%s' (%.2f)", map.t,
                                   map.symbol, best,
                                   map.labels ? (*map.labels)[static_cast<size_t>(best)].c_str() : "", shares[static_cast<size_t>(best)]);
  list->AddText(ImVec2(origin.x, caption_y), dim_text(), fit_text(caption, avail.x).c_str());
  const ImVec2 bars_min{min.x, caption_y + line + spacing};
  share_bars(map, shares, best, bars_min, ImVec2(max.x, bars_min.y + bars_h));
  ImGui::SetCursorScreenPos(ImVec2(origin.x, bars_min.y + bars_h + line + spacing));
  ImGui::Dummy(ImVec2(1.0f, 1.0f));
}

}  // namespace seqscope::viz
