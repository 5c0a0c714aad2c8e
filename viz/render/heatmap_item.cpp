#include "viz/render/heatmap_item.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace seqscope::viz {
namespace {

constexpr int k_colorbar_steps = 64;

void format_tick(char* out, size_t size, float value, bool log_scale) {
  const float shown = log_scale ? std::pow(10.0f, value) : value;
  std::snprintf(out, size, "%.3g", shown);
}

}  // namespace

HeatmapHover heatmap_item(const char* id, HeatmapRenderer& heatmaps, const HeatmapView& view, ImVec2 size) {
  const HeatmapPiece whole{view, 0};
  return heatmap_item(id, heatmaps, std::span(&whole, 1), view.rows, view.cols, size);
}

HeatmapHover heatmap_item(const char* id, HeatmapRenderer& heatmaps, std::span<const HeatmapPiece> pieces,
                          uint32_t rows, uint32_t cols, ImVec2 size) {
  HeatmapHover hover;
  const ImVec2 min = ImGui::GetCursorScreenPos();
  const ImVec2 max{min.x + size.x, min.y + size.y};
  hover.clicked = ImGui::InvisibleButton(id, size);
  ImDrawList* list = ImGui::GetWindowDrawList();
  const float col_width = cols > 0 ? size.x / static_cast<float>(cols) : 0.0f;
  for (const HeatmapPiece& piece : pieces) {
    const float x0 = min.x + col_width * static_cast<float>(piece.first_col);
    heatmaps.draw(list, piece.view, ImVec2(x0, min.y), ImVec2(x0 + col_width * static_cast<float>(piece.view.cols), max.y));
  }
  list->AddRect(ImVec2(min.x - 1, min.y - 1), ImVec2(max.x + 1, max.y + 1), ImGui::GetColorU32(ImGuiCol_Border));
  if (ImGui::IsItemHovered() && rows > 0 && cols > 0) {
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    hover.hovered = true;
    hover.col = std::clamp(static_cast<int>((mouse.x - min.x) / size.x * cols), 0, static_cast<int>(cols) - 1);
    hover.row = std::clamp(static_cast<int>((mouse.y - min.y) / size.y * rows), 0, static_cast<int>(rows) - 1);
  }
  return hover;
}

float colorbar_width(float bar_width) { return bar_width + 6.0f + ImGui::CalcTextSize("-0.000e+00").x; }

void colorbar(const char* id, Colormap map, float lo, float hi, bool log_scale, ImVec2 size) {
  const ImVec2 min = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(colorbar_width(size.x), size.y));
  ImGui::PushID(id);
  ImDrawList* list = ImGui::GetWindowDrawList();
  // Top is hi, bottom is lo, as on every plot axis.
  const float step = size.y / k_colorbar_steps;
  for (int i = 0; i < k_colorbar_steps; ++i) {
    const float t0 = 1.0f - static_cast<float>(i) / k_colorbar_steps;
    const float t1 = 1.0f - static_cast<float>(i + 1) / k_colorbar_steps;
    list->AddRectFilledMultiColor(ImVec2(min.x, min.y + i * step), ImVec2(min.x + size.x, min.y + (i + 1) * step),
                                  colormap_u32(map, t0), colormap_u32(map, t0), colormap_u32(map, t1),
                                  colormap_u32(map, t1));
  }
  list->AddRect(min, ImVec2(min.x + size.x, min.y + size.y), ImGui::GetColorU32(ImGuiCol_Border));
  const float text_height = ImGui::GetTextLineHeight();
  const float values[3] = {hi, 0.5f * (lo + hi), lo};
  const float ys[3] = {min.y, min.y + 0.5f * (size.y - text_height), min.y + size.y - text_height};
  // Labels never overlap: the middle one needs three lines of height, the low one two.
  const int shown = size.y >= 3.0f * text_height ? 3 : size.y >= 2.0f * text_height ? 2 : 1;
  for (int i = 0; i < 3; ++i) {
    if ((shown < 3 && i == 1) || (shown < 2 && i == 2)) continue;
    char label[32];
    format_tick(label, sizeof label, values[i], log_scale);
    list->AddText(ImVec2(min.x + size.x + 6.0f, ys[i]), ImGui::GetColorU32(ImGuiCol_Text), label);
  }
  ImGui::PopID();
}

}  // namespace seqscope::viz
