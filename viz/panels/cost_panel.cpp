// CostPanel (cost_panel.h).
//
// Index (each part starts at a "// [SECTION] name" line):
//   pure helpers
//   scaling plot
//   memory plot
//   measured sweep
//   timings
//   draw
#include "viz/panels/cost_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "compute/bench/benchmark.h"
#include "compute/session/cost_model.h"
#include "compute/session/session_schema.h"
#include "viz/widgets/plot.h"
#include "viz/widgets/text_fit.h"

namespace seqscope::viz {

// [SECTION] pure helpers

double loglog_slope(std::span<const double> x, std::span<const double> y, double x_min) {
  // The same least-squares fit as `seqscope bench` reports.
  return compute::loglog_slope({x.begin(), x.end()}, {y.begin(), y.end()}, x_min);
}

CostCurves cost_curves(const compute::Session& session) {
  CostCurves curves;
  for (int L = 64; L <= compute::schema::kMaxLength; L *= 2) {
    const compute::LayerCost ssm = compute::ssm_cost(session.ssm, L, session.d_model);
    const compute::LayerCost attention = compute::attention_cost(session.attention, L, session.d_model);
    curves.L.push_back(L);
    curves.ssm_flops.push_back(ssm.flops);
    curves.attention_flops.push_back(attention.flops);
    curves.ssm_bytes.push_back(ssm.bytes);
    curves.attention_bytes.push_back(attention.bytes);
  }
  return curves;
}

ByteUnit byte_unit(double max_bytes) {
  if (max_bytes >= 1e9) return {1e9, "GB"};
  if (max_bytes >= 1e6) return {1e6, "MB"};
  if (max_bytes >= 1e3) return {1e3, "kB"};
  return {1.0, "B"};
}

namespace {

std::string slope_text(std::span<const double> x, std::span<const double> y) {
  const double slope = loglog_slope(x, y, k_slope_fit_min_length);
  return std::isnan(slope) ? "" : format_text(" ~ L^%.2f", slope);
}

// [SECTION] scaling plot

void scaling_plot(const compute::Session& session, int L, ImVec2 size) {
  const CostCurves c = cost_curves(session);
  const compute::LayerCost ssm = compute::ssm_cost(session.ssm, L, session.d_model);
  const compute::LayerCost attention = compute::attention_cost(session.attention, L, session.d_model);
  std::vector<double> marks{ssm.flops, attention.flops, ssm.bytes, attention.bytes};
  std::sort(marks.begin(), marks.end());
  const LogLogSeries series[] = {
      {"SSM FLOPs" + slope_text(c.L, c.ssm_flops), c.L, c.ssm_flops, series_color(4), false},
      {"attention FLOPs" + slope_text(c.L, c.attention_flops), c.L, c.attention_flops, series_color(5), false},
      {"SSM bytes" + slope_text(c.L, c.ssm_bytes), c.L, c.ssm_bytes, series_color(1), false},
      {"attention bytes" + slope_text(c.L, c.attention_bytes), c.L, c.attention_bytes, series_color(0), false},
      {format_text("this session, L = %d", L), std::vector<double>(marks.size(), L), marks, IM_COL32(255, 255, 255, 200),
       true},
  };
  log_log_plot("##scaling", series, size, "L", "FLOPs, bytes");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Analytic cost of one layer pass (compute/session/cost_model.h, docs/math.md) for this session's\n"
                      "sizes, at L = 64 .. 65536. Slopes: least-squares fit on log-log over L ≥ %.0f.\n"
                      "At L = %d: SSM %s FLOPs, %sB moved · attention %s FLOPs, %sB moved.",
                      k_slope_fit_min_length, L, format_si(ssm.flops).c_str(), format_si(ssm.bytes).c_str(),
                      format_si(attention.flops).c_str(), format_si(attention.bytes).c_str());
}

// [SECTION] memory plot

void memory_plot(PanelContext& context, ImVec2 size) {
  const compute::Results& results = context.results;
  const auto& kv = results.attention.kv_cache_bytes;
  const int L = static_cast<int>(kv.size());
  if (L == 0) return;
  const double state = compute::ssm_state_bytes(results.session.ssm, results.session.d_model);
  const double top = std::max(state, *std::max_element(kv.begin(), kv.end()));
  const ByteUnit unit = byte_unit(top);
  std::vector<float> ssm_line(static_cast<size_t>(L), static_cast<float>(state / unit.divisor));
  std::vector<float> kv_line(static_cast<size_t>(L));
  for (int t = 0; t < L; ++t) kv_line[static_cast<size_t>(t)] = static_cast<float>(kv[static_cast<size_t>(t)] / unit.divisor);
  const bool linear = results.session.attention.kind == compute::AttentionKind::Linear;
  const Series series[] = {
      {format_text("SSM state, %s (constant)", unit.name), ssm_line, series_color(4)},
      {format_text("%s, %s", linear ? "linear-attention state" : "KV cache", unit.name), kv_line, series_color(5)},
  };
  text_line("memory kept after step t (hover: why)", true);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("To continue a sequence after step t, the SSM needs only its state (D·N values, plus the conv\n"
                      "window): the same at every t. Softmax attention keeps the keys and values of every position a\n"
                      "later query may read (the KV cache), so it grows with t (without a causal mask every key is\n"
                      "needed from the start; a window caps it); linear attention keeps a fixed state.");
  LinePlotOptions options;
  options.cursor = std::clamp(context.view.cursor, 0, L - 1);
  options.y_min = 0.0f;
  // Headroom for the two-line legend, so that a constant line at the top is not hidden under it.
  const float plot_h = size.y - 2.0f * ImGui::GetTextLineHeightWithSpacing();
  const float legend_h = 2.0f * ImGui::GetTextLineHeight() + 8.0f;
  const double headroom = std::clamp(1.0 / (1.0 - legend_h / std::max(plot_h, 1.0f)), 1.12, 1.8);
  options.y_max = static_cast<float>(headroom * top / unit.divisor);
  options.y_label = unit.name;
  const PlotHover hover =
      line_plot("##memory", series, ImVec2(size.x, size.y - ImGui::GetTextLineHeightWithSpacing()), options);
  if (hover.hovered && hover.index >= 0) {
    ImGui::SetTooltip("after step t = %d:\nSSM state %.0f B (D·N values, same at every t)\n%s %.0f B\nclick: move the cursor here",
                      hover.index, state, linear ? "linear-attention state" : "KV cache",
                      kv[static_cast<size_t>(hover.index)]);
    if (hover.clicked) context.view.cursor = hover.index;
  }
}

// [SECTION] measured sweep

// The title, with the sweep's controls at the right when the app can measure: "Measure sweep"
// (or "Measure again"), or a progress bar and Cancel while it runs.
void header(PanelContext& context, const std::string& title) {
  const SweepView* sweep = context.sweep;
  const float avail = ImGui::GetContentRegionAvail().x;
  const ImGuiStyle& style = ImGui::GetStyle();
  if (!sweep || !sweep->available || context.figure) {  // a figure has no buttons
    text_line(title);
    return;
  }
  const char* label = sweep->result ? "Measure again" : "Measure sweep";
  const float cancel_w = ImGui::CalcTextSize("Cancel").x + 2.0f * style.FramePadding.x;
  const float controls_w = sweep->running ? cancel_w + style.ItemSpacing.x + 9.0f * ImGui::GetFontSize()
                                          : ImGui::CalcTextSize(label).x + 2.0f * style.FramePadding.x;
  const float left = ImGui::GetCursorPosX();
  ImGui::TextUnformatted(fit_text(title, avail - controls_w - style.ItemSpacing.x).c_str());
  ImGui::SameLine(left + avail - controls_w);
  if (sweep->running) {
    ImGui::ProgressBar(sweep->progress, ImVec2(controls_w - cancel_w - style.ItemSpacing.x, ImGui::GetTextLineHeight()),
                       format_text("measuring %.0f%%", 100.0f * sweep->progress).c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("Cancel")) context.sweep_request = SweepRequest::Cancel;
    return;
  }
  if (ImGui::SmallButton(label)) context.sweep_request = SweepRequest::Start;
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Time the SSM scan and softmax attention over an L sweep on this session's backend\n"
                      "(the ops of `seqscope bench`, a few seconds) and plot ms vs L with the fitted slopes.%s%s",
                      sweep->message.empty() ? "" : "\nLast: ", sweep->message.c_str());
}

std::string measured_label(const char* what, double slope) {
  return std::isnan(slope) ? format_text("%s, measured", what) : format_text("%s, measured ~ L^%.2f", what, slope);
}

// Measured ms vs L on log-log axes, the slopes fitted over L >= 1024 in the legend.
void measured_plot(const SweepView& sweep, ImVec2 size) {
  if (!sweep.result) {
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::Dummy(size);
    ImGui::GetWindowDrawList()->AddText(ImVec2(at.x + 6.0f, at.y + 4.0f), ImGui::GetColorU32(ImGuiCol_TextDisabled),
                                        sweep.running ? "measuring the L sweep…" : sweep.message.c_str());
    return;
  }
  const compute::CostSweep& r = *sweep.result;
  const auto points = [](const std::vector<compute::SweepPoint>& p, std::vector<double>& L, std::vector<double>& ms) {
    for (const compute::SweepPoint& point : p) L.push_back(point.L), ms.push_back(point.ms);
  };
  LogLogSeries series[] = {
      {measured_label("SSM", r.slope_ssm), {}, {}, series_color(4), true},
      {measured_label("attention", r.slope_attention), {}, {}, series_color(5), true},
  };
  points(r.ssm, series[0].x, series[0].y);
  points(r.attention, series[1].x, series[1].y);
  log_log_plot("##measured", series, size, "L", format_text("measured ms, %s", r.backend.c_str()).c_str());
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Measured on %s (%s backend) in %.1f s, each point the median of a few runs:\n"
                      "SSM: %s; attention: %s.\nSlopes: least-squares fit on log-log over L ≥ %.0f. The window keeps "
                      "drawing meanwhile,\nso a busy machine bends the lines; `seqscope bench` measures more carefully.",
                      r.device.c_str(), r.backend.c_str(), r.wall_ms / 1e3, r.ssm_op.c_str(), r.attention_op.c_str(),
                      compute::kSweepFitMinLength);
}

bool shows_sweep(const PanelContext& context) {
  return context.sweep && (context.sweep->result || context.sweep->running || !context.sweep->message.empty());
}

// The analytic plot, with the measured one under it when there is a sweep to show.
void scaling_column(PanelContext& context, int L, ImVec2 size) {
  const compute::Session& session = context.results.session;
  if (!shows_sweep(context)) {
    scaling_plot(session, L, size);
    return;
  }
  const float gap = ImGui::GetStyle().ItemSpacing.y;
  const float top = std::floor(0.5f * (size.y - gap));
  ImGui::BeginGroup();  // one item, so that SameLine() after it starts at the top
  scaling_plot(session, L, ImVec2(size.x, top));
  measured_plot(*context.sweep, ImVec2(size.x, size.y - top - gap));
  ImGui::EndGroup();
}

// [SECTION] timings

void timings_table(const compute::Results& results, ImVec2 size) {
  constexpr ImGuiTableFlags k_flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_ScrollY |
                                      ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("timings", 2, k_flags, size)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn(format_text("measured, %s backend", results.backend.c_str()).c_str());
  ImGui::TableSetupColumn("ms");
  ImGui::TableHeadersRow();
  // The two layers' own ops first (what the cost plots are about), the total last.
  std::vector<std::pair<std::string, double>> rows(results.timings_ms.begin(), results.timings_ms.end());
  const auto rank = [](const std::string& op) {
    return op == "attention" ? 0 : op == "ssm.scan" || op == "ssm_scan" ? 1 : op == "total" ? 3 : 2;
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
  for (const auto& [op, ms] : rows) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(op.c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%.3f", ms);
  }
  ImGui::EndTable();
}

}  // namespace

// [SECTION] draw

void CostPanel::draw(PanelContext& context) {
  const compute::Results& results = context.results;
  const compute::Session& session = results.session;
  const int L = results.inputs.length();
  header(context, format_text("Cost: SSM vs attention · L = %d · D = %d · N = %d · H = %d, dh = %d · %s", L,
                              session.d_model, session.ssm.state_size, session.attention.heads,
                              session.attention.head_dim,
                              std::string(compute::schema::enum_name(session.ssm.variant)).c_str()) +
                      format_text(" vs %s", std::string(compute::schema::enum_name(session.attention.kind)).c_str()));
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float row = ImGui::GetTextLineHeightWithSpacing();
  const float table_h = std::min(avail.y * 0.45f, row * (static_cast<float>(results.timings_ms.size()) + 1.6f));
  const bool sweep = shows_sweep(context);
  if (avail.x >= 1.4f * avail.y && avail.x >= 460.0f && avail.y >= 130.0f) {  // side by side
    const float left = std::floor(0.5f * (avail.x - spacing));
    scaling_column(context, L, ImVec2(left, avail.y));
    ImGui::SameLine();
    ImGui::BeginGroup();
    const float right = avail.x - left - spacing;
    memory_plot(context, ImVec2(right, avail.y - table_h - ImGui::GetStyle().ItemSpacing.y));
    timings_table(results, ImVec2(right, table_h));
    ImGui::EndGroup();
  } else if (avail.y >= (sweep ? 560.0f : 420.0f)) {  // stacked
    const float plots = avail.y - table_h - (sweep ? 3.0f : 2.0f) * ImGui::GetStyle().ItemSpacing.y;
    scaling_column(context, L, ImVec2(avail.x, (sweep ? 0.7f : 0.55f) * plots));
    memory_plot(context, ImVec2(avail.x, (sweep ? 0.3f : 0.45f) * plots));
    timings_table(results, ImVec2(avail.x, table_h));
  } else if (context.figure) {  // small, in a figure: the view's tab alone, without the tab bar
    const ImVec2 size = ImGui::GetContentRegionAvail();
    switch (context.view.cost_tab) {
      case compute::CostTab::Scaling: scaling_plot(session, L, size); break;
      case compute::CostTab::Memory: memory_plot(context, size); break;
      case compute::CostTab::TimingTable: timings_table(results, size); break;
    }
  } else if (ImGui::BeginTabBar("cost_views")) {  // small: one view at a time
    // view.cost_tab (a session's view, a lesson step) stays requested until it is the tab drawn;
    // after that a click on another tab is the user's choice.
    using compute::CostTab;
    const bool requested = context.view.cost_tab != shown_tab_;
    std::optional<CostTab> drawn;
    auto tab = [&](const char* label, std::optional<CostTab> which, auto&& body) {
      const bool select = requested && which == context.view.cost_tab;
      if (!ImGui::BeginTabItem(label, nullptr, select ? ImGuiTabItemFlags_SetSelected : 0)) return;
      drawn = which;
      body(ImGui::GetContentRegionAvail());
      ImGui::EndTabItem();
    };
    tab("scaling", CostTab::Scaling, [&](ImVec2 size) { scaling_plot(session, L, size); });
    if (sweep) tab("measured", std::nullopt, [&](ImVec2 size) { measured_plot(*context.sweep, size); });
    tab("memory", CostTab::Memory, [&](ImVec2 size) { memory_plot(context, size); });
    tab("timings", CostTab::TimingTable, [&](ImVec2 size) { timings_table(results, size); });
    ImGui::EndTabBar();
    if (drawn && (!requested || *drawn == context.view.cost_tab)) shown_tab_ = context.view.cost_tab = *drawn;
  } else {
    shown_tab_ = context.view.cost_tab;  // every view is on screen
  }
}

}  // namespace seqscope::viz
