// AttentionPanel (attention_panel.h).
//
// Index (each part starts at a "// [SECTION] name" line):
//   pure helpers
//   controls and KV meter
//   maps
//   query row
//   draw
#include "viz/panels/attention_panel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "compute/attention/attention.h"
#include "compute/session/session_schema.h"
#include "viz/panels/figure_map.h"
#include "viz/render/heatmap_item.h"
#include "viz/widgets/plot.h"
#include "viz/widgets/text_fit.h"

namespace seqscope::viz {

using compute::AttentionKind;
using compute::Results;

// [SECTION] pure helpers

const compute::Inputs& attention_inputs(const Results& results) {
  return results.attention_tokens.active() ? results.attention_tokens.other : results.inputs;
}

int attention_row(const Results& results, const ViewState& view) {
  const int L = results.attention.L;
  return std::clamp(results.attention_tokens.other_at(view.cursor, view.attention_pick), 0, std::max(0, L - 1));
}

void move_to_attention_row(const Results& results, ViewState& view, int row) {
  const compute::TokenAlignment& align = results.attention_tokens;
  if (!align.active()) {
    view.cursor = row;
    return;
  }
  if (row < 0 || static_cast<size_t>(row) >= align.from_other.size()) return;
  view.cursor = align.from_other[static_cast<size_t>(row)];
  view.attention_pick = row;
}

float shown_value(const compute::Tensor& maps, int head, int t, int s, MapNormalization normalization) {
  const int64_t rows = maps.shape[1], cols = maps.shape[2];
  const float* map = maps.data.data() + static_cast<int64_t>(head) * rows * cols;
  const AbsRange range = normalization == MapNormalization::MinMaxAbs ? abs_range(map, rows * cols) : AbsRange{};
  return normalized_cell(map, cols, t, s, range, normalization);
}

HeadGrid head_grid(int heads, ImVec2 region, float label_h, float gap) {
  HeadGrid best;
  for (int cols = 1; cols <= std::max(1, heads); ++cols) {
    const int rows = (heads + cols - 1) / cols;
    const float side = std::min((region.x - (cols - 1) * gap) / cols, (region.y - rows * label_h - (rows - 1) * gap) / rows);
    if (side > best.side) best = {cols, rows, side};
  }
  best.side = std::max(0.0f, std::floor(best.side));
  return best;
}

std::string attention_header(const compute::Session& session, int head, int heads, bool all_heads, int t) {
  const compute::AttentionConfig& cfg = session.attention;
  std::string text = "Attention · ";
  switch (cfg.kind) {
    case AttentionKind::Softmax: text += "softmax"; break;
    case AttentionKind::Linear:
      text += format_text("linear (φ = %s)", cfg.feature_map == compute::FeatureMap::Elu1 ? "elu+1" : "identity");
      break;
    case AttentionKind::Lag: text += format_text("lag head (attends to t − %d)", cfg.lag); break;
  }
  if (cfg.kind != AttentionKind::Lag) {
    text += " · " + std::string(compute::schema::enum_name(cfg.mask));
    if (cfg.mask == compute::MaskKind::Window) text += format_text(" %d", cfg.window);
    if (cfg.positional != compute::Positional::None)
      text += " · " + std::string(compute::schema::enum_name(cfg.positional));
  }
  text += all_heads ? format_text(" · all %d heads", heads) : format_text(" · head %d/%d", head + 1, heads);
  text += format_text(" · t = %d", t);
  if (cfg.kind == AttentionKind::Linear) text += " · map: normalized weights (hover)";
  if (cfg.kind == AttentionKind::Lag) text += " · map: one-hot, a copy at lag k";
  return text;
}

std::string attention_cell_tooltip(const Results& results, int head, int t, int s, MapNormalization normalization) {
  const compute::AttentionResults& a = results.attention;
  const auto& labels = attention_inputs(results).labels;
  const bool linear = results.session.attention.kind == AttentionKind::Linear;
  std::string text = format_text("head %d · query t = %d '%s' → key s = %d '%s'\n", head + 1, t,
                                 labels[static_cast<size_t>(t)].c_str(), s, labels[static_cast<size_t>(s)].c_str());
  const float prob = a.probs.at(head, t, s), score = a.scores.at(head, t, s);
  text += format_text("%s = %.6g\n", linear ? "weight" : "prob", prob);
  if (std::isinf(score) && score < 0.0f) text += "score = −∞ (masked)";
  else text += format_text("%s = %.6g", linear ? "φ(q)·φ(k)" : "score", score);
  if (normalization != MapNormalization::Raw)
    text += format_text("\nshown (%s) = %.4g", normalization == MapNormalization::RowNormalized ? "row-normalized" : "min-max",
                        shown_value(a.probs, head, t, s, normalization));
  return text + "\nclick: move the cursor to row t";
}

std::string attention_block_tooltip(const Results& results, int head, int row, int col) {
  const compute::MapOverview& o = results.attention.probs_overview;
  const MapGeometry g = map_geometry(results.attention.L, o);
  return format_text("head %d · queries %s → keys %s\nmax |p| = %.6g · mean p = %.6g\nclick: move the cursor to t = %d",
                     head + 1, index_span("t", g, row).c_str(), index_span("s", g, col).c_str(),
                     o.max_abs.at(head, row, col), o.mean.at(head, row, col), g.first(row));
}

namespace {

// [SECTION] controls and KV meter

// Continues the row when `width` more pixels fit, else starts a new one.
void same_line_if_fits(float width) {
  const float right = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width;
  if (right <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) ImGui::SameLine();
}

float checkbox_width(const char* label) {
  return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label).x;
}

void draw_controls(PanelContext& context, int heads) {
  ViewState& view = context.view;
  const float arrow = ImGui::GetFrameHeight() + 2.0f * ImGui::GetStyle().FramePadding.x;
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("head 16/16").x + arrow);
  ImGui::BeginDisabled(view.all_heads);
  if (ImGui::BeginCombo("##head", format_text("head %d/%d", view.head + 1, heads).c_str())) {
    for (int h = 0; h < heads; ++h)
      if (ImGui::Selectable(format_text("head %d", h + 1).c_str(), h == view.head)) view.head = h;
    ImGui::EndCombo();
  }
  ImGui::EndDisabled();
  same_line_if_fits(checkbox_width("all"));
  ImGui::Checkbox("all", &view.all_heads);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show every head's map (click one to select it)");
  const float norm_w = ImGui::CalcTextSize("row-norm").x + arrow;
  same_line_if_fits(norm_w);
  ImGui::SetNextItemWidth(norm_w);
  if (ImGui::BeginCombo("##normalization", map_normalization_info(view.normalization).short_label)) {
    for (const auto& normalization : k_map_normalizations)
      if (const MapNormalization n = normalization.value;
          ImGui::Selectable(normalization.label, n == view.normalization) && n != view.normalization) {
        view.normalization = n;
        context.maps_dirty = true;
      }
    ImGui::EndCombo();
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Map scaling: %s (shared with hidden attention)", map_normalization_info(view.normalization).label);
  same_line_if_fits(checkbox_width("log"));
  ImGui::Checkbox("log", &view.log_scale);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Log color scale (4 decades below the largest value)");
  same_line_if_fits(checkbox_width("shared"));
  ImGui::Checkbox("shared", &view.shared_scale);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("One color range for this map and hidden attention α");
}

void kv_meter(const compute::AttentionResults& a, int t, bool linear) {
  const auto& kv = a.kv_cache_bytes;
  if (kv.empty()) return;
  const double now = kv[static_cast<size_t>(t)], full = kv.back();
  const float width = ImGui::GetContentRegionAvail().x - 8.0f;
  const char* what = linear ? "state" : "KV cache";  // linear attention keeps S and z, not keys and values
  std::string overlay = format_text("%s kept at t = %d: %sB  of  %sB at L = %d", what, t, format_si(now).c_str(),
                                    format_si(full).c_str(), static_cast<int>(kv.size()));
  if (ImGui::CalcTextSize(overlay.c_str()).x > width)
    overlay = format_text("%s %sB of %sB at L", what, format_si(now).c_str(), format_si(full).c_str());
  ImGui::ProgressBar(full > 0.0 ? static_cast<float>(now / full) : 0.0f, ImVec2(-1.0f, 0.0f),
                     fit_text(overlay, width).c_str());
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Bytes of keys and values (or, for linear attention, of its state) the layer must keep\n"
                      "after step t to continue the sequence: %.0f B now, %.0f B at the end.\n"
                      "An SSM keeps a constant state instead (see Cost).",
                      now, full);
}

// [SECTION] maps

// White outline around row t of a map drawn at [min, min + size].
void mark_row(ImVec2 min, ImVec2 size, int t, int L) {
  const float h = size.y / static_cast<float>(L);
  const float y0 = min.y + t * h;
  ImGui::GetWindowDrawList()->AddRect(ImVec2(min.x - 1, y0 - 1), ImVec2(min.x + size.x + 1, y0 + std::max(1.0f, h) + 1),
                                      IM_COL32(255, 255, 255, 220), 0.0f, 0, 1.5f);
}

// One map with its hover and click handling; returns whether it was clicked.
bool draw_map(PanelContext& context, const char* id, int head, const MapRange& range, ImVec2 size) {
  const Results& results = context.results;
  HeatmapView view = GpuResults::slice_view(context.gpu.probs(), head, range.colormap, range.lo, range.hi);
  view.log_scale = range.log_scale;
  const ImVec2 min = ImGui::GetCursorScreenPos();
  const HeatmapHover hover = heatmap_item(id, context.heatmaps, view, size);
  const MapGeometry g = map_geometry(results.attention.L, results.attention.probs_overview);
  mark_row(min, size, g.cell_of(attention_row(results, context.view)), g.side());
  if (hover.hovered && hover.row >= 0) {
    ImGui::SetTooltip("%s", g.pooled() ? attention_block_tooltip(results, head, hover.row, hover.col).c_str()
                                       : attention_cell_tooltip(results, head, hover.row, hover.col,
                                                                context.view.normalization).c_str());
    if (hover.clicked) {
      move_to_attention_row(results, context.view, g.first(hover.row));
      context.view.head = head;
      return true;
    }
  }
  return false;
}

// Left margin of bar_chart's frame (viz/widgets/plot.cpp): the map leaves the same margin so that the
// query row's bar for key s sits right under column s of the map.
float bar_axis_width() { return ImGui::CalcTextSize("0.000").x + 8.0f; }
constexpr float k_bar_right_margin = 4.0f;

// Query axis labels in the margin left of a map at [min, max]: 0 at the top, L - 1 at the bottom.
void query_axis(ImVec2 min, ImVec2 max, int L) {
  ImDrawList* list = ImGui::GetWindowDrawList();
  const uint32_t dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const float line = ImGui::GetTextLineHeight();
  const std::string last = std::to_string(L - 1);
  list->AddText(ImVec2(min.x - ImGui::CalcTextSize("0").x - 4.0f, min.y), dim, "0");
  list->AddText(ImVec2(min.x - ImGui::CalcTextSize(last.c_str()).x - 4.0f, max.y - line), dim, last.c_str());
  if (max.y - min.y > 3.0f * line)
    list->AddText(ImVec2(min.x - ImGui::CalcTextSize("t").x - 4.0f, 0.5f * (min.y + max.y - line)), dim, "t");
}

// The selected head's map, as wide as the region allows (up to 2.5 times its height), with
// its colorbar; returns the map's screen rectangle.
std::pair<ImVec2, ImVec2> draw_single_map(PanelContext& context, const MapRange& range, ImVec2 region) {
  constexpr float k_bar = 12.0f;
  const float axis = bar_axis_width();
  const float height = std::max(16.0f, region.y);
  const float width = std::max(
      16.0f, std::min(region.x - axis - colorbar_width(k_bar) - ImGui::GetStyle().ItemSpacing.x - k_bar_right_margin,
                      2.5f * height));
  const ImVec2 start = ImGui::GetCursorScreenPos();
  const ImVec2 min{start.x + axis, start.y};
  ImGui::SetCursorScreenPos(min);
  draw_map(context, "##probs", context.view.head, range, ImVec2(width, height));
  query_axis(min, ImVec2(min.x + width, min.y + height), context.results.attention.L);  // labels are t, pooled or not
  ImGui::SameLine(0.0f, k_bar_right_margin + ImGui::GetStyle().ItemSpacing.x);
  colorbar("probs_bar", range.colormap, range.lo, range.hi, range.log_scale, ImVec2(k_bar, height));
  return {min, ImVec2(min.x + width, min.y + height)};
}

void draw_head_grid(PanelContext& context, const MapRange& range, ImVec2 region) {
  constexpr float k_bar = 12.0f, k_gap = 8.0f;
  const int heads = context.results.attention.H;
  const float label_h = ImGui::GetTextLineHeightWithSpacing();
  const float maps_w = region.x - colorbar_width(k_bar) - ImGui::GetStyle().ItemSpacing.x;
  const HeadGrid grid = head_grid(heads, ImVec2(maps_w, region.y), label_h, k_gap);
  const float side = std::max(8.0f, grid.side);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* list = ImGui::GetWindowDrawList();
  for (int h = 0; h < heads; ++h) {
    const ImVec2 at{origin.x + (h % grid.cols) * (side + k_gap), origin.y + (h / grid.cols) * (side + label_h + k_gap)};
    list->AddText(at, ImGui::GetColorU32(h == context.view.head ? ImGuiCol_Text : ImGuiCol_TextDisabled),
                  fit_text(format_text("head %d", h + 1), side).c_str());
    ImGui::SetCursorScreenPos(ImVec2(at.x, at.y + label_h));
    ImGui::PushID(h);
    draw_map(context, "##head", h, range, ImVec2(side, side));
    ImGui::PopID();
    if (h == context.view.head)
      list->AddRect(ImVec2(at.x - 3, at.y + label_h - 3), ImVec2(at.x + side + 3, at.y + label_h + side + 3),
                    IM_COL32(230, 159, 0, 255), 0.0f, 0, 2.0f);
  }
  const float grid_w = grid.cols * side + (grid.cols - 1) * k_gap;
  ImGui::SetCursorScreenPos(ImVec2(origin.x + grid_w + ImGui::GetStyle().ItemSpacing.x, origin.y + label_h));
  colorbar("probs_bar", range.colormap, range.lo, range.hi, range.log_scale,
           ImVec2(k_bar, std::max(16.0f, grid.rows * (side + label_h + k_gap) - label_h - k_gap)));
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + grid.rows * (side + label_h + k_gap) - k_gap + 2.0f));
}

// [SECTION] query row

// probs[head, t, :], exact: next to an overview computed from q and k (the map holds blocks).
const std::vector<float>& query_row(const PanelContext& context, ExactRowCache& cache, int head, int t) {
  const Results& results = context.results;
  const compute::AttentionResults& a = results.attention;
  return cache.get(context.gpu.generation(), head, t, [&] {
    if (a.pooled()) return compute::attention_probs_row(a, results.session.attention, head, t);
    std::vector<float> full(static_cast<size_t>(a.L));
    for (int s = 0; s < a.L; ++s) full[static_cast<size_t>(s)] = a.probs.at(head, t, s);
    return full;
  });
}

void draw_query_row(PanelContext& context, ExactRowCache& cache, int t, ImVec2 size_in) {
  const Results& results = context.results;
  const compute::AttentionResults& a = results.attention;
  const int head = context.view.head;
  const std::vector<float>& row = query_row(context, cache, head, t);
  const auto best = static_cast<int>(std::max_element(row.begin(), row.end()) - row.begin());
  const bool linear = results.session.attention.kind == AttentionKind::Linear;
  const std::vector<std::string>& labels = attention_inputs(results).labels;
  text_line(format_text("where does t = %d look? head %d, %s over keys s · max at s = %d '%s' (%.3g)", t, head + 1,
                        linear ? "weights" : "probs", best, labels[static_cast<size_t>(best)].c_str(),
                        row[static_cast<size_t>(best)]),
            true);
  const ImVec2 size{size_in.x, std::max(30.0f, size_in.y - ImGui::GetTextLineHeightWithSpacing())};
  const PlotHover hover = bar_chart("##row", row, labels, best, size);
  if (hover.hovered && hover.index >= 0) {
    if (a.pooled())
      ImGui::SetTooltip("head %d · query t = %d → key s = %d '%s'\n%s = %.6g (exact)", head + 1, t, hover.index,
                        labels[static_cast<size_t>(hover.index)].c_str(), linear ? "weight" : "prob",
                        row[static_cast<size_t>(hover.index)]);
    else
      ImGui::SetTooltip("%s", attention_cell_tooltip(results, head, t, hover.index, MapNormalization::Raw).c_str());
  }
}

}  // namespace

// [SECTION] draw

void AttentionPanel::draw_figure(PanelContext& context, int t) {
  const Results& results = context.results;
  const compute::AttentionResults& a = results.attention;
  const ViewState& view = context.view;
  const GpuTensor& probs = context.gpu.probs();
  FigureMap map;
  const bool linear = results.session.attention.kind == AttentionKind::Linear;
  map.title = format_text("Attention · %s · head %d/%d · %s%s", compute::schema::enum_name(results.session.attention.kind).data(),
                          view.head + 1, a.H, map_normalization_info(view.normalization).short_label, view.log_scale ? " · log" : "");
  map.maps = &probs;
  map.index = view.head;
  map.range = view.shared_scale ? shared_map_range(context.gpu.hidden_attention(), probs, view.log_scale)
                                : attention_map_range(probs.min, probs.max, probs.max_abs, view.log_scale);
  map.geometry = map_geometry(a.L, a.probs_overview);
  map.t = t;
  map.row = query_row(context, row_cache_, view.head, t);
  map.labels = &attention_inputs(results).labels;
  map.symbol = linear ? "w" : "p";
  map.colorbar = context.figure_colorbar;
  draw_figure_map(context, map);
}

void AttentionPanel::draw(PanelContext& context) {
  const Results& results = context.results;
  const compute::AttentionResults& a = results.attention;
  if (a.L == 0 || a.H == 0 || (a.probs.shape.size() != 3 && !a.pooled()) || context.gpu.probs().empty()) {
    text_line("Attention · no attention results", true);
    return;
  }
  ViewState& view = context.view;
  view.head = std::clamp(view.head, 0, a.H - 1);
  const int t = attention_row(results, view);
  if (context.figure) {
    draw_figure(context, t);
    return;
  }
  text_line(attention_header(results.session, view.head, a.H, view.all_heads, t));
  if (ImGui::IsItemHovered() && results.session.attention.kind == AttentionKind::Linear)
    ImGui::SetTooltip("Linear attention has no softmax: out_t = Σ_s w_ts v_s with the normalized weights\n"
                      "w_ts = φ(q_t)·φ(k_s) / Σ_s' φ(q_t)·φ(k_s'), which the map shows; the layer itself runs\n"
                      "as a recurrence on the state S_t = S_{t-1} + φ(k_t) v_tᵀ and never forms this matrix.");
  draw_controls(context, a.H);
  same_line_if_fits(230.0f);  // the meter joins the controls when the panel is wide
  kv_meter(a, t, results.session.attention.kind == AttentionKind::Linear);
  if (a.pooled() && pooled_map_note(map_geometry(a.L, a.probs_overview), view, "##pooled_attention"))
    context.maps_dirty = true;

  const GpuTensor& probs = context.gpu.probs();
  const MapRange range = view.shared_scale ? shared_map_range(context.gpu.hidden_attention(), probs, view.log_scale)
                                           : attention_map_range(probs.min, probs.max, probs.max_abs, view.log_scale);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  // The map comes first: the query row is shown only when the map keeps most of the height.
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float row_h = avail.y >= 220.0f ? std::clamp(0.3f * avail.y, 3.2f * line, 160.0f) : 0.0f;
  const ImVec2 map_region{avail.x, std::max(16.0f, avail.y - row_h - (row_h > 0.0f ? ImGui::GetStyle().ItemSpacing.y : 0.0f))};
  map_rect_ = {};
  if (view.all_heads) draw_head_grid(context, range, map_region);
  else map_rect_ = draw_single_map(context, range, map_region);
  // Under a single map the bars line up with its columns; under the grid they span the panel.
  const float row_w = view.all_heads ? avail.x : map_rect_.second.x - map_rect_.first.x + bar_axis_width() + k_bar_right_margin;
  if (row_h > 0.0f) draw_query_row(context, row_cache_, t, ImVec2(row_w, ImGui::GetContentRegionAvail().y));
}

}  // namespace seqscope::viz
