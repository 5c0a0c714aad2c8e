// SsmStatePanel: header with the channel selector, the two state maps with one colorbar and
// the norm plot.
//
// Index (each part starts at a "// [SECTION] name" line):
//   header
//   maps
//   norms
#include "viz/panels/ssm_state_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "viz/panels/ssm_panel_util.h"
#include "viz/render/heatmap_item.h"
#include "viz/widgets/plot.h"

namespace seqscope::viz {
namespace {

constexpr float k_colorbar_bar = 12.0f;
constexpr float k_gap = 8.0f;

// h[t, d, n] of the forward state.
std::complex<float> state_at(const compute::SsmResults& ssm, int t, int d, int n) {
  return ssm.h.at(t, d, n);
}

void state_tooltip(const PanelContext& context, int t, int d, int n) {
  const compute::SsmResults& ssm = context.results.ssm;
  const std::string token = position_label(context.results.inputs, t);
  ImGui::BeginTooltip();
  ImGui::Text("d = %d, n = %d, t = %d %s", d, n, t, token.c_str());
  ImGui::Text("h = %s%s", format_complex(state_at(ssm, t, d, n), ssm.is_complex).c_str(),
              ssm.bidirectional ? "  (forward scan)" : "");
  ImGui::EndTooltip();
}

}  // namespace

// [SECTION] header

// The channel selector at the right of the header line (right_x) when it fits, else on its own
// line, and the colour-scope checkbox. Figures leave them out.
void SsmStatePanel::draw_controls(PanelContext& context, float right_x) {
  const compute::SsmResults& ssm = context.results.ssm;
  const float selector_w = ImGui::CalcTextSize("channel d = 0000").x + 16.0f;
  const float header_right = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x;  // window coordinates
  if (right_x - header_right - k_gap >= selector_w) ImGui::SameLine(right_x - selector_w);
  ImGui::SetNextItemWidth(selector_w);
  ImGui::SliderInt("##channel", &context.view.channel, 0, std::max(0, ssm.D - 1), "channel d = %d");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Selected SSM channel (also: click a row of the D × N map)");
  context.view.channel = std::clamp(context.view.channel, 0, std::max(0, ssm.D - 1));
  bool own_scale = context.view.state_color == compute::StateColorScope::Channel;
  if (ImGui::Checkbox("color by channel d", &own_scale))
    context.view.state_color = own_scale ? compute::StateColorScope::Channel : compute::StateColorScope::AllChannels;
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Color range of the state maps: channel d's largest |h| (on) or every channel's (off).\n"
                      "On, a quiet channel's trajectory becomes readable; other rows of h_t may saturate.");
}

void SsmStatePanel::draw_header(PanelContext& context) {
  const compute::SsmResults& ssm = context.results.ssm;
  const int t = context.view.cursor, d = context.view.channel;
  const float start_x = ImGui::GetCursorPosX(), full_w = ImGui::GetContentRegionAvail().x;
  char text[160];
  std::snprintf(text, sizeof text, "%s h_t · channel d = %d · t = %d · ‖h_t[d]‖ = %.3g", title(), d, t,
                t < static_cast<int>(channel_norms_.size()) ? channel_norms_[static_cast<size_t>(t)] : 0.0f);
  ImGui::TextUnformatted(text);
  if (!context.figure) draw_controls(context, start_x + full_w);
  std::string note;
  if (ssm.is_complex) note += "complex A: colors show Re h (hover for re + im i)";
  if (ssm.bidirectional) note += std::string(note.empty() ? "" : " · ") + "bidirectional: the forward state is shown";
  // The note shares the checkbox's line when it fits.
  if (!note.empty() && ImGui::GetItemRectMax().x + k_gap + ImGui::CalcTextSize(note.c_str()).x <=
                           ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x)
    ImGui::SameLine(0.0f, 2.0f * k_gap);
  if (!note.empty()) ImGui::TextDisabled("%s", note.c_str());
}

// [SECTION] maps

void SsmStatePanel::draw_maps(PanelContext& context, float height) {
  const compute::SsmResults& ssm = context.results.ssm;
  const GpuTensor& h = context.gpu.h();
  const int L = ssm.L, D = ssm.D, N = ssm.N, t = context.view.cursor, d = context.view.channel;
  const bool own_scale = context.view.state_color == compute::StateColorScope::Channel;
  const MapRange range = signed_range(own_scale ? channel_max_abs_ : h.max_abs);
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float width = ImGui::GetContentRegionAvail().x;
  const float cb_w = colorbar_width(k_colorbar_bar);
  const float map_h = std::max(20.0f, height - line);
  // The D x N map keeps roughly square cells but never takes more than a third of the width.
  const float state_w = std::clamp(map_h * static_cast<float>(N) / static_cast<float>(std::max(1, D)), 48.0f,
                                   std::max(48.0f, 0.34f * (width - cb_w)));
  const float traj_w = std::max(40.0f, width - state_w - cb_w - 2.0f * k_gap);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* list = ImGui::GetWindowDrawList();
  const uint32_t dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);

  // Captions above each map, clipped to its width.
  char caption[96];
  std::snprintf(caption, sizeof caption, "h_t at t = %d  (d × n)%s", t, own_scale ? ", colors: channel d" : "");
  if (ImGui::CalcTextSize(caption).x > state_w) std::snprintf(caption, sizeof caption, "h_t (d × n)");
  if (ImGui::CalcTextSize(caption).x > state_w) std::snprintf(caption, sizeof caption, "h_t");
  list->PushClipRect(origin, ImVec2(origin.x + state_w, origin.y + line), true);
  list->AddText(origin, dim, caption);
  list->PopClipRect();
  std::snprintf(caption, sizeof caption, "channel %d over t  (n × t)", d);
  const ImVec2 traj_caption{origin.x + state_w + k_gap, origin.y};
  list->PushClipRect(traj_caption, ImVec2(traj_caption.x + traj_w, origin.y + line), true);
  list->AddText(traj_caption, dim, caption);
  list->PopClipRect();

  // D x N at t: slice t of h [L, D, N].
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + line));
  const HeatmapView state = GpuResults::slice_view(h, t, range.colormap, range.lo, range.hi);
  const HeatmapHover state_hover = heatmap_item("##state", context.heatmaps, state, ImVec2(state_w, map_h));
  rects_.state_min = ImGui::GetItemRectMin();
  rects_.state_max = ImGui::GetItemRectMax();
  outline_row(list, rects_.state_min, rects_.state_max, d, D, k_highlight_color);
  if (state_hover.hovered) state_tooltip(context, t, state_hover.row, state_hover.col);
  apply_map_click(context.view, MapAxes::RowIsChannel, state_hover);

  // N x L trajectory of channel d: (n, t) -> h[t, d, n], no copy.
  ImGui::SetCursorScreenPos(ImVec2(origin.x + state_w + k_gap, origin.y + line));
  const auto trajectory = over_time(h, static_cast<uint32_t>(N), static_cast<uint32_t>(d * N), 1, range);
  const HeatmapHover traj_hover = heatmap_item("##trajectory", context.heatmaps, trajectory, static_cast<uint32_t>(N),
                                               static_cast<uint32_t>(L), ImVec2(traj_w, map_h));
  rects_.trajectory_min = ImGui::GetItemRectMin();
  rects_.trajectory_max = ImGui::GetItemRectMax();
  outline_col(list, rects_.trajectory_min, rects_.trajectory_max, t, L, k_highlight_color);
  if (traj_hover.hovered) state_tooltip(context, traj_hover.col, d, traj_hover.row);
  apply_map_click(context.view, MapAxes::ColIsT, traj_hover);

  ImGui::SetCursorScreenPos(ImVec2(origin.x + state_w + traj_w + 2.0f * k_gap, origin.y + line));
  colorbar("##h_colorbar", range.colormap, range.lo, range.hi, false, ImVec2(k_colorbar_bar, map_h));
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + line + map_h + ImGui::GetStyle().ItemSpacing.y));
}

// [SECTION] norms

void SsmStatePanel::update_norms(const compute::SsmResults& ssm, int channel) {
  const void* key = ssm.h.data.data();
  if (key == norms_key_ && channel == norms_channel_) return;
  if (key != norms_key_) total_norms_ = state_norms(ssm.h, -1);
  channel_norms_ = state_norms(ssm.h, channel);
  channel_max_abs_ = 0.0f;
  for (int t = 0; t < ssm.L; ++t)
    for (int n = 0; n < ssm.N; ++n)
      if (const float v = std::abs(state_at(ssm, t, channel, n).real()); std::isfinite(v))
        channel_max_abs_ = std::max(channel_max_abs_, v);
  norms_key_ = key;
  norms_channel_ = channel;
}

void SsmStatePanel::draw_norms(PanelContext& context, float height) {
  char label[64];
  std::snprintf(label, sizeof label, "‖h_t[d]‖ channel %d", context.view.channel);
  // A short plot has room for one legend line only: the selected channel.
  const bool both = height >= 5.0f * ImGui::GetTextLineHeightWithSpacing();
  const Series all[] = {{label, channel_norms_, 0}, {"‖h_t‖ all channels", total_norms_, 0}};
  const std::span<const Series> series(all, both ? 2 : 1);
  LinePlotOptions options;
  options.cursor = context.view.cursor;
  options.y_label = "‖h‖";
  // Norms are >= 0: the axis starts at 0 instead of padding below the smallest value.
  float top = 0.0f;
  for (const Series& shown : series)
    for (float v : shown.values) top = std::max(top, std::isfinite(v) ? v : 0.0f);
  options.y_min = 0.0f;
  options.y_max = top > 0.0f ? 1.05f * top : 1.0f;
  const PlotHover hover =
      line_plot("##norms", series, ImVec2(ImGui::GetContentRegionAvail().x, std::max(40.0f, height)), options);
  if (hover.hovered && hover.index >= 0) {
    const size_t i = static_cast<size_t>(hover.index);
    ImGui::SetTooltip("t = %d %s\n‖h_t[d]‖ = %.4g   ‖h_t‖ = %.4g\nclick: move the cursor here", hover.index,
                      position_label(context.results.inputs, hover.index).c_str(), channel_norms_[i], total_norms_[i]);
  }
  if (hover.clicked && hover.index >= 0) context.view.cursor = hover.index;
}

void SsmStatePanel::draw(PanelContext& context) {
  const compute::SsmResults& ssm = context.results.ssm;
  if (ssm.h.rank() != 3 || ssm.L == 0) {
    ImGui::TextUnformatted(title());
    ImGui::TextDisabled("no state computed");
    return;
  }
  context.view.channel = std::clamp(context.view.channel, 0, ssm.D - 1);
  context.view.cursor = std::clamp(context.view.cursor, 0, ssm.L - 1);
  update_norms(ssm, context.view.channel);
  draw_header(context);
  update_norms(ssm, context.view.channel);  // the selector may have changed the channel
  const float avail = ImGui::GetContentRegionAvail().y;
  // A squeezed panel (another row is emphasized) keeps the maps alone: the norm plot under
  // them would not fit without running into them.
  if (avail < 48.0f + 40.0f + 2.0f * ImGui::GetTextLineHeightWithSpacing()) {
    draw_maps(context, avail);
    return;
  }
  // The norm plot gets about a third; the maps keep the rest (they carry the most).
  const float plot_h = std::clamp(0.32f * avail, 48.0f, 170.0f);
  const float maps_h = std::max(40.0f, avail - plot_h - ImGui::GetStyle().ItemSpacing.y);
  draw_maps(context, maps_h);
  draw_norms(context, avail - maps_h - ImGui::GetStyle().ItemSpacing.y);
}

}  // namespace seqscope::viz
