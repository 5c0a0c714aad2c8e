// SsmDynamicsPanel: header + stability warning, then tabs (Eigenvalues, Δ over t, Abar Bbar C
// (diagonal | dense), Kernel K, Formulas).
//
// Index (each part starts at a "// [SECTION] name" line):
//   header
//   Eigenvalues
//   Δ over t
//   Abar Bbar C
//   Kernel K
//   Formulas
//   draw
#include "viz/panels/ssm_dynamics_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "compute/session/session_schema.h"
#include "compute/ssm/discretize.h"
#include "viz/panels/ssm_formulas.h"
#include "viz/panels/ssm_panel_util.h"
#include "viz/render/heatmap_item.h"
#include "viz/widgets/plot.h"

namespace seqscope::viz {
namespace {

using compute::Discretization;

constexpr float k_colorbar_bar = 10.0f;
constexpr float k_gap = 8.0f;
constexpr float k_min_delta = 1e-4f, k_max_delta = 10.0f;  // the display slider's range
constexpr const char* k_methods[] = {"zoh", "mamba", "bilinear", "euler", "backward euler"};

std::string name_of(Discretization method) { return std::string(compute::schema::enum_name(method)); }

// Caption text clipped to [x, x + width] on the current line of the draw list.
void caption(ImVec2 at, float width, const char* text, uint32_t color = 0) {
  ImDrawList* list = ImGui::GetWindowDrawList();
  list->PushClipRect(at, ImVec2(at.x + width, at.y + ImGui::GetTextLineHeight()), true);
  list->AddText(at, color ? color : ImGui::GetColorU32(ImGuiCol_TextDisabled), text);
  list->PopClipRect();
}

void dim_wrapped(const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", text);
  ImGui::PopStyleColor();
}

// `full` when it fits in `width`, else `brief`.
const char* fitting(const char* full, const char* brief, float width) {
  return ImGui::CalcTextSize(full).x <= width ? full : brief;
}

// A complex plane with a caption above it in the cell [origin, origin + size].
PlotHover captioned_plane(const char* id, const char* title, std::span<const std::complex<float>> points, ImVec2 origin,
                          ImVec2 size, const ComplexPlaneOptions& options) {
  caption(origin, size.x, title);
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + ImGui::GetTextLineHeightWithSpacing()));
  return complex_plane(id, points, ImVec2(size.x, size.y - ImGui::GetTextLineHeightWithSpacing()), options);
}

void eigen_tooltip(int n, const char* what, std::complex<float> z, bool show_modulus) {
  char text[160];
  std::snprintf(text, sizeof text, "n = %d: %s = %s", n, what, format_complex(z, true).c_str());
  if (show_modulus)
    ImGui::SetTooltip("%s\n|z| = %.4g%s", text, std::abs(z), std::abs(z) > 1.0f ? "  > 1: this mode grows" : "");
  else
    ImGui::SetTooltip("%s", text);
}

}  // namespace

// [SECTION] header

void SsmDynamicsPanel::draw_header(PanelContext& context) {
  const compute::Results& results = context.results;
  const compute::SsmResults& ssm = results.ssm;
  const int t = context.view.cursor, d = context.view.channel;
  ImGui::Text("%s · channel d = %d · t = %d · Δ_t = %.4g · %s, %s", title(), d, t, ssm.delta(t, d),
              std::string(compute::schema::enum_name(results.session.ssm.variant)).c_str(),
              name_of(results.session.ssm.discretization).c_str());
  if (ssm.unstable()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(k_warning_color));
    ImGui::TextWrapped("unstable: |eig Abar| up to %.4g > 1 in channels %s: h_t grows without bound "
                       "(try zoh / bilinear or a smaller Δ)",
                       ssm.max_abs_eig_discrete, format_channel_list(ssm.unstable_channels).c_str());
    ImGui::PopStyleColor();
  }
}

void SsmDynamicsPanel::sync_display(const PanelContext& context) {
  const void* key = context.results.ssm.delta.data();
  if (key == sync_key_ && context.view.channel == sync_channel_ && context.view.cursor == sync_cursor_) return;
  if (key != sync_key_) display_method_ = context.results.session.ssm.discretization;
  display_delta_ = std::clamp(context.results.ssm.delta(context.view.cursor, context.view.channel), k_min_delta, k_max_delta);
  sync_key_ = key;
  sync_channel_ = context.view.channel;
  sync_cursor_ = context.view.cursor;
}

// [SECTION] Eigenvalues

// The display Δ slider, the Δ_t button and the discretization combo in `width`: one row, or
// stacked (slider, then button + combo) when `stacked`.
void SsmDynamicsPanel::draw_tab(PanelContext& context, compute::DynamicsTab tab) {
  using compute::DynamicsTab;
  switch (tab) {
    case DynamicsTab::Eigenvalues: draw_eigenvalues(context); break;
    case DynamicsTab::Delta: draw_delta(context); break;
    case DynamicsTab::Matrices: draw_matrices(context); break;
    case DynamicsTab::Kernel: draw_kernel(context); break;
    case DynamicsTab::Formulas: draw_formulas(context); break;
  }
}

void SsmDynamicsPanel::draw_eigen_controls(PanelContext& context, float width, bool stacked, bool enabled) {
  const compute::SsmResults& ssm = context.results.ssm;
  const int t = context.view.cursor, d = context.view.channel;
  const float button_w = ImGui::CalcTextSize("Δ_t").x + 2.0f * ImGui::GetStyle().FramePadding.x;
  const float combo_w = ImGui::CalcTextSize("backward euler").x + ImGui::GetFrameHeight() + 10.0f;
  const float x = ImGui::GetCursorPosX();
  ImGui::BeginDisabled(!enabled);
  ImGui::SetNextItemWidth(stacked ? width : std::max(90.0f, width - button_w - combo_w - 2.0f * k_gap));
  ImGui::SliderFloat("##display_delta", &display_delta_, k_min_delta, k_max_delta, "Δ = %.4g",
                     ImGuiSliderFlags_Logarithmic);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Display only: the discrete eigenvalues for this Δ\n(starts at Δ_t of channel %d at t = %d)", d, t);
  if (stacked) ImGui::SetCursorPosX(x);
  else ImGui::SameLine(0.0f, k_gap);
  if (ImGui::Button("Δ_t")) display_delta_ = std::clamp(ssm.delta(t, d), k_min_delta, k_max_delta);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Back to the model's Δ_t = %.4g", ssm.delta(t, d));
  ImGui::SameLine(0.0f, k_gap);
  int method = static_cast<int>(display_method_);
  ImGui::SetNextItemWidth(stacked ? std::max(60.0f, width - button_w - k_gap) : combo_w);
  if (ImGui::Combo("##display_method", &method, k_methods, IM_ARRAYSIZE(k_methods)))
    display_method_ = static_cast<Discretization>(method);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Display only: %s\nThe model itself uses %s (change it in Controls).",
                      discretization_formula(display_method_, ssm.dense).c_str(),
                      name_of(context.results.session.ssm.discretization).c_str());
  ImGui::EndDisabled();
}

void SsmDynamicsPanel::draw_eigenvalues(PanelContext& context) {
  const compute::Results& results = context.results;
  const compute::SsmResults& ssm = results.ssm;
  const int t = context.view.cursor, d = context.view.channel;
  const auto continuous = continuous_eigenvalues(ssm, d);
  const bool has_continuous = !continuous.empty();
  const auto hypothetical = discrete_eigenvalues(continuous, display_delta_, display_method_);
  const auto actual = discrete_eigenvalues_at(ssm, t, d);
  char note[200];
  std::snprintf(note, sizeof note, "Display only; the model uses %s (Controls). Vermillion: |z| > 1, the mode grows.%s",
                name_of(results.session.ssm.discretization).c_str(),
                count_unstable(hypothetical) > 0 ? " This Δ is unstable." : "");

  // Wide and short regions (the dashboard's default) put the controls in a column at the right
  // so the three planes keep the full height.
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float column_w = std::clamp(0.28f * avail.x, 150.0f, 220.0f);
  const float margin_x = ImGui::CalcTextSize("-00.0").x + 12.0f, margin_y = 2.0f * line;  // plane labels
  const float row_note_h = ImGui::CalcTextSize(note, nullptr, false, avail.x).y + ImGui::GetFrameHeightWithSpacing();
  const float side_plane = std::min((avail.x - column_w - 3.0f * k_gap) / 3.0f - margin_x, avail.y - margin_y);
  const float row_plane = std::min((avail.x - 2.0f * k_gap) / 3.0f - margin_x, avail.y - row_note_h - margin_y);
  const bool side = side_plane > row_plane;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  float planes_w = avail.x, planes_h = avail.y;
  if (side) {
    planes_w = avail.x - column_w - k_gap;
    ImGui::SetCursorScreenPos(ImVec2(origin.x + planes_w + k_gap, origin.y));
    ImGui::BeginGroup();
    if (!context.figure) draw_eigen_controls(context, column_w, true, has_continuous);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + column_w);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", note);
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
  } else {
    if (!context.figure) draw_eigen_controls(context, avail.x, false, has_continuous);
    const float note_h = ImGui::CalcTextSize(note, nullptr, false, avail.x).y;
    planes_h = ImGui::GetContentRegionAvail().y - note_h - ImGui::GetStyle().ItemSpacing.y;
  }
  const ImVec2 planes_origin = side ? origin : ImGui::GetCursorScreenPos();
  const float cell_w = (planes_w - 2.0f * k_gap) / 3.0f;
  const ImVec2 cell{cell_w, std::max(60.0f, planes_h)};
  char title[96];
  if (has_continuous) {
    const PlotHover a = captioned_plane("##eig_a", fitting("eig A (Re < 0: stable)", "eig A", cell_w), continuous,
                                        planes_origin, cell, {false, true, 0.0f});
    if (a.hovered && a.index >= 0) eigen_tooltip(a.index, "λ", continuous[static_cast<size_t>(a.index)], false);
    std::snprintf(title, sizeof title, "eig Abar, Δ = %.3g", display_delta_);
    if (ImGui::CalcTextSize(title).x > cell_w) std::snprintf(title, sizeof title, "eig Abar(Δ)");
    const ImVec2 second{planes_origin.x + cell_w + k_gap, planes_origin.y};
    const PlotHover h = captioned_plane("##eig_delta", title, hypothetical, second, cell, {true, false, 0.0f});
    if (h.hovered && h.index >= 0) eigen_tooltip(h.index, "z", hypothetical[static_cast<size_t>(h.index)], true);
  } else {
    // Wrapped to the two cells the continuous planes would take, clipped to their height.
    const float text_w = 2.0f * cell_w + k_gap;
    ImDrawList* list = ImGui::GetWindowDrawList();
    list->PushClipRect(planes_origin, ImVec2(planes_origin.x + text_w, planes_origin.y + cell.y), true);
    list->AddText(ImGui::GetFont(), ImGui::GetFontSize(), planes_origin, ImGui::GetColorU32(ImGuiCol_Text),
                  "Shift register: no continuous A, no Δ. Abar is the shift matrix itself: all eigenvalues 0, "
                  "a pure delay line (see the Abar tab).",
                  nullptr, text_w - 4.0f);
    list->PopClipRect();
  }
  const PlotHover m = captioned_plane("##eig_model", fitting("eig Abar_t (model)", "eig Abar_t", cell_w), actual,
                                      ImVec2(planes_origin.x + 2.0f * (cell_w + k_gap), planes_origin.y), cell,
                                      {true, false, 0.0f});
  if (m.hovered && m.index >= 0) eigen_tooltip(m.index, "z", actual[static_cast<size_t>(m.index)], true);
  ImGui::SetCursorScreenPos(ImVec2(planes_origin.x, planes_origin.y + cell.y + ImGui::GetStyle().ItemSpacing.y));
  if (!side) dim_wrapped(note);
}

// [SECTION] Δ over t

void SsmDynamicsPanel::draw_delta(PanelContext& context) {
  const compute::Results& results = context.results;
  const compute::SsmResults& ssm = results.ssm;
  const int t = context.view.cursor, d = context.view.channel;
  if (ssm.params.discrete_time) {
    dim_wrapped("Shift register: no Δ. The state moves one slot per step whatever the input (Δ = 1 everywhere).");
    return;
  }
  if (ssm.lti)
    dim_wrapped("LTI: Δ = dt_d is the same at every t, so the model cannot choose what to keep (no selectivity).");
  else
    dim_wrapped("Selectivity: large Δ_t → Abar ≈ 0, the state is overwritten by u_t (write); small Δ_t → Abar ≈ 1, "
                "the state is kept and u_t ignored.");
  const std::vector<float> series_values = delta_series(ssm, d);
  char label[48];
  std::snprintf(label, sizeof label, "Δ_t channel %d", d);
  const Series series[] = {{label, series_values, 0}};
  LinePlotOptions options;
  options.cursor = t;
  options.y_label = "Δ";
  if (!ssm.lti) options.x_labels = results.inputs.labels;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  // With room, a D x L map of every channel's Δ goes under the line plot.
  const bool with_map = avail.y >= 150.0f;
  const float plot_h = with_map ? std::max(60.0f, 0.5f * avail.y) : avail.y;
  const PlotHover hover = line_plot("##delta", series, ImVec2(avail.x, plot_h), options);
  if (hover.hovered && hover.index >= 0)
    ImGui::SetTooltip("t = %d %s: Δ = %.4g\nclick: move the cursor here", hover.index,
                      position_label(results.inputs, hover.index).c_str(), series_values[static_cast<size_t>(hover.index)]);
  if (hover.clicked && hover.index >= 0) context.view.cursor = hover.index;
  if (!with_map) return;

  // Δ [L, D] seen as D x L, log10 colors (Δ spans decades).
  const GpuTensor& delta = context.gpu.delta();
  const float lo = std::log10(std::max(delta.min, 1e-6f)), hi = std::log10(std::max(delta.max, 1e-6f));
  const MapRange range{Colormap::Viridis, lo, hi > lo ? hi : lo + 1.0f, true};
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  caption(origin, avail.x, "Δ of every channel (d × t), log colors; click: channel and t");
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float map_h = std::max(20.0f, ImGui::GetContentRegionAvail().y - line);
  const float map_w = std::max(40.0f, avail.x - colorbar_width(k_colorbar_bar) - k_gap);
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + line));
  const auto view = over_time(delta, static_cast<uint32_t>(ssm.D), 0, 1, range);
  const HeatmapHover cell = heatmap_item("##delta_map", context.heatmaps, view, static_cast<uint32_t>(ssm.D),
                                         static_cast<uint32_t>(ssm.L), ImVec2(map_w, map_h));
  const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
  outline_row(ImGui::GetWindowDrawList(), min, max, d, ssm.D, k_highlight_color);
  outline_col(ImGui::GetWindowDrawList(), min, max, t, ssm.L, k_highlight_color);
  if (cell.hovered)
    ImGui::SetTooltip("d = %d, t = %d %s: Δ = %.4g", cell.row, cell.col, position_label(results.inputs, cell.col).c_str(),
                      ssm.delta(cell.col, cell.row));
  apply_map_click(context.view, MapAxes::RowChannelColT, cell);
  ImGui::SetCursorScreenPos(ImVec2(origin.x + map_w + k_gap, origin.y + line));
  colorbar("##delta_colorbar", range.colormap, range.lo, range.hi, true, ImVec2(k_colorbar_bar, map_h));
}

// [SECTION] Abar Bbar C

void SsmDynamicsPanel::draw_diagonal_matrices(PanelContext& context) {
  const compute::Results& results = context.results;
  const compute::SsmResults& ssm = results.ssm;
  const int L = ssm.L, N = ssm.N, t = context.view.cursor, d = context.view.channel;
  if (ssm.lti) dim_wrapped("LTI: Abar, Bbar and C are the same at every t (one column repeated).");
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float label_w = ImGui::CalcTextSize("Bbar_t").x + k_gap;
  const float cb_w = colorbar_width(k_colorbar_bar);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float row_h = std::max(24.0f, (avail.y - 2.0f * ImGui::GetStyle().ItemSpacing.y) / 3.0f);
  const float map_w = std::max(40.0f, avail.x - label_w - cb_w - k_gap);
  const GpuTensor& abar = context.gpu.abar();
  const GpuTensor& bbar = context.gpu.bbar();
  const GpuTensor& c = context.gpu.c();
  // (n, t) of channel d in [L, D, N]; C is [L, N] (selective) or [D, N] repeated over t (col_stride 0).
  const uint32_t channel_offset = static_cast<uint32_t>(d * N), n_count = static_cast<uint32_t>(N);
  struct Row {
    const char* label;
    std::vector<HeatmapPiece> pieces;
    MapRange range;
  };
  const MapRange abar_range = range_for(abar.min, abar.max), bbar_range = range_for(bbar.min, bbar.max),
                 c_range = range_for(c.min, c.max);
  const Row rows[3] = {
      {"Abar_t", over_time(abar, n_count, channel_offset, 1, abar_range), abar_range},
      {"Bbar_t", over_time(bbar, n_count, channel_offset, 1, bbar_range), bbar_range},
      {"C_t",
       ssm.lti ? std::vector<HeatmapPiece>{{colored(c.view(d, 0, n_count, static_cast<uint32_t>(L), 1, 0), c_range), 0}}
               : over_time(c, n_count, 0, 1, c_range),
       c_range}};
  ImDrawList* list = ImGui::GetWindowDrawList();
  for (int i = 0; i < 3; ++i) {
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    caption(origin, label_w, rows[i].label, ImGui::GetColorU32(ImGuiCol_Text));
    caption(ImVec2(origin.x, origin.y + line), label_w, "n × t");
    ImGui::SetCursorScreenPos(ImVec2(origin.x + label_w, origin.y));
    ImGui::PushID(i);
    const HeatmapHover hover = heatmap_item("##map", context.heatmaps, rows[i].pieces, n_count,
                                            static_cast<uint32_t>(L), ImVec2(map_w, row_h));
    outline_col(list, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), t, L, k_highlight_color);
    if (hover.hovered) {
      const int n = hover.row, s = hover.col;
      const std::complex<float> value = i == 0   ? ssm.Abar.at(s, d, n)
                                        : i == 1 ? ssm.Bbar.at(s, d, n)
                                                 : (ssm.lti ? ssm.C(d, n) : ssm.C(s, n));
      ImGui::SetTooltip("%s: n = %d, t = %d %s\n= %s\nclick: move the cursor here", rows[i].label, n, s,
                        position_label(results.inputs, s).c_str(), format_complex(value, ssm.is_complex).c_str());
    }
    apply_map_click(context.view, MapAxes::ColIsT, hover);
    ImGui::SetCursorScreenPos(ImVec2(origin.x + label_w + map_w + k_gap, origin.y));
    colorbar("##colorbar", rows[i].range.colormap, rows[i].range.lo, rows[i].range.hi, false,
             ImVec2(k_colorbar_bar, row_h));
    ImGui::PopID();
    ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + row_h + ImGui::GetStyle().ItemSpacing.y));
  }
}

void SsmDynamicsPanel::draw_dense_matrices(PanelContext& context) {
  const compute::SsmResults& ssm = context.results.ssm;
  const int N = ssm.N, d = context.view.channel;
  const GpuTensor& abar = context.gpu.abar_dense();
  const GpuTensor& bbar = context.gpu.bbar_dense();
  const GpuTensor& c = context.gpu.c();
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float cb_w = colorbar_width(k_colorbar_bar);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float column_w = std::max(12.0f, std::min(28.0f, 0.06f * avail.x));
  const float side = std::max(24.0f, std::min(avail.y - line, avail.x - 2.0f * cb_w - 2.0f * column_w - 5.0f * k_gap));
  caption(origin, side, "Abar (N × N, the same at every t)");
  const MapRange abar_range = signed_range(abar.max_abs);
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + line));
  const HeatmapHover a = heatmap_item("##abar_dense", context.heatmaps,
                                      GpuResults::slice_view(abar, d, abar_range.colormap, abar_range.lo, abar_range.hi),
                                      ImVec2(side, side));
  if (a.hovered)
    ImGui::SetTooltip("Abar[%d, %d] = %.4g\n(h_t[%d] gets this times h_{t−1}[%d])", a.row, a.col,
                      ssm.Abar.at(d, a.row, a.col).real(), a.row, a.col);
  float x = origin.x + side + k_gap;
  ImGui::SetCursorScreenPos(ImVec2(x, origin.y + line));
  colorbar("##abar_colorbar", abar_range.colormap, abar_range.lo, abar_range.hi, false, ImVec2(k_colorbar_bar, side));
  x += cb_w + k_gap;
  // Bbar and C of channel d as N x 1 columns on one shared signed scale.
  const MapRange bc_range = signed_range(std::max(bbar.max_abs, c.max_abs));
  const char* labels[2] = {"Bbar", "C"};
  const GpuTensor* tensors[2] = {&bbar, &c};
  for (int i = 0; i < 2; ++i) {
    caption(ImVec2(x, origin.y), column_w + k_gap, labels[i]);
    ImGui::SetCursorScreenPos(ImVec2(x, origin.y + line));
    ImGui::PushID(i);
    const HeatmapHover hover = heatmap_item("##column", context.heatmaps,
                                            colored(tensors[i]->view(d, 0, N, 1, 1, 1), bc_range),
                                            ImVec2(column_w, side));
    ImGui::PopID();
    if (hover.hovered) {
      const float value = i == 0 ? ssm.Bbar.data[static_cast<size_t>(d * N + hover.row)].real() : ssm.C(d, hover.row).real();
      ImGui::SetTooltip("%s[%d] = %.4g", labels[i], hover.row, value);
    }
    x += column_w + k_gap;
  }
  ImGui::SetCursorScreenPos(ImVec2(x, origin.y + line));
  colorbar("##bc_colorbar", bc_range.colormap, bc_range.lo, bc_range.hi, false, ImVec2(k_colorbar_bar, side));
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + line + side + ImGui::GetStyle().ItemSpacing.y));
}

void SsmDynamicsPanel::draw_matrices(PanelContext& context) {
  if (context.results.ssm.dense) draw_dense_matrices(context);
  else draw_diagonal_matrices(context);
}

// [SECTION] Kernel K

void SsmDynamicsPanel::draw_kernel(PanelContext& context) {
  const compute::SsmResults& ssm = context.results.ssm;
  const int d = context.view.channel;
  if (!ssm.lti || ssm.kernel.rows() <= d) {
    dim_wrapped("Selective models have no fixed kernel: Δ_t, B_t and C_t change with t, so y is not a convolution "
                "of u, and their α (Hidden attention) is not Toeplitz.");
    return;
  }
  dim_wrapped("y_t = Σ_k K[k] u_{t−k} + D u_t with K[k] = C Abar^k Bbar: the causal convolution that equals the scan.");
  const std::span<const float> values(ssm.kernel.data() + static_cast<ptrdiff_t>(d) * ssm.L, static_cast<size_t>(ssm.L));
  char label[48];
  std::snprintf(label, sizeof label, "K_d[k] channel %d", d);
  const Series series[] = {{label, values, 0}};
  LinePlotOptions options;
  options.x_label = "k (lag)";
  options.y_label = "K";
  options.symmetric = true;
  const PlotHover hover = line_plot("##kernel", series, ImGui::GetContentRegionAvail(), options);
  if (hover.hovered && hover.index >= 0)
    ImGui::SetTooltip("k = %d: K[k] = %.5g\n(the weight of u_{t−%d} in y_t)", hover.index,
                      values[static_cast<size_t>(hover.index)], hover.index);
}

// [SECTION] Formulas

void SsmDynamicsPanel::draw_formulas(PanelContext& context) {
  const compute::Results& results = context.results;
  const compute::SsmResults& ssm = results.ssm;
  const int t = context.view.cursor, d = context.view.channel;
  mode_ = std::clamp(mode_, 0, ssm.N - 1);
  if (!ssm.dense) {
    ImGui::SetNextItemWidth(std::min(200.0f, ImGui::GetContentRegionAvail().x));
    ImGui::SliderInt("##mode", &mode_, 0, ssm.N - 1, "state mode n = %d");
    ImGui::SameLine(0.0f, k_gap);
  }
  ImGui::TextDisabled("channel %d, t = %d %s · model: %s", d, t, position_label(results.inputs, t).c_str(),
                      name_of(results.session.ssm.discretization).c_str());
  ImGui::BeginChild("##formulas", ImGui::GetContentRegionAvail(), false);
  for (const std::string& formula : formula_lines(results, t, d, mode_)) {
    // "formula\tnumbers": one line when both fit, else the numbers indented on the next.
    const size_t tab = formula.find('\t');
    const std::string definition = formula.substr(0, tab);
    const std::string numbers = tab == std::string::npos ? "" : formula.substr(tab + 1);
    const std::string joined = numbers.empty() ? definition : definition + " " + numbers;
    if (ImGui::CalcTextSize(joined.c_str()).x <= ImGui::GetContentRegionAvail().x || numbers.empty()) {
      ImGui::TextWrapped("%s", joined.c_str());
    } else {
      ImGui::TextWrapped("%s", definition.c_str());
      ImGui::Indent();
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(series_color(0)));
      ImGui::TextWrapped("%s", numbers.c_str());
      ImGui::PopStyleColor();
      ImGui::Unindent();
    }
  }
  ImGui::EndChild();
}

// [SECTION] draw

void SsmDynamicsPanel::draw(PanelContext& context) {
  const compute::SsmResults& ssm = context.results.ssm;
  if (ssm.L == 0 || ssm.delta.rows() == 0) {
    ImGui::TextUnformatted(title());
    ImGui::TextDisabled("nothing computed");
    return;
  }
  context.view.channel = std::clamp(context.view.channel, 0, ssm.D - 1);
  context.view.cursor = std::clamp(context.view.cursor, 0, ssm.L - 1);
  sync_display(context);
  draw_header(context);
  static constexpr const char* k_tab_labels[] = {"Eigenvalues", "Δ over t", "Abar Bbar C", "Kernel K", "Formulas"};
  using compute::DynamicsTab;
  if (context.figure) {  // the view's tab alone, named, without the tab bar
    const auto tab = static_cast<size_t>(context.view.dynamics_tab);
    ImGui::TextDisabled("%s", k_tab_labels[std::min(tab, std::size(k_tab_labels) - 1)]);
    draw_tab(context, context.view.dynamics_tab);
    return;
  }
  if (!ImGui::BeginTabBar("##dynamics_tabs")) return;
  // A tab chosen outside the bar (view.tab of a session, a lesson step) stays requested until
  // it is the one drawn; after that a click on another tab is the user's choice.
  const int wanted = static_cast<int>(context.view.dynamics_tab);
  const bool requested = wanted != shown_tab_;
  int drawn = -1;
  for (int i = 0; i < static_cast<int>(std::size(k_tab_labels)); ++i) {
    const ImGuiTabItemFlags flags = requested && i == wanted ? ImGuiTabItemFlags_SetSelected : 0;
    if (!ImGui::BeginTabItem(k_tab_labels[i], nullptr, flags)) continue;
    drawn = i;
    draw_tab(context, static_cast<DynamicsTab>(i));
    ImGui::EndTabItem();
  }
  ImGui::EndTabBar();
  if (drawn >= 0 && (!requested || drawn == wanted)) {
    shown_tab_ = drawn;
    context.view.dynamics_tab = static_cast<DynamicsTab>(drawn);
  }
}

}  // namespace seqscope::viz
