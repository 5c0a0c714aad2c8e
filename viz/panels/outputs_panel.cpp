// OutputsPanel (outputs_panel.h).
//
// Index (each part starts at a "// [SECTION] name" line):
//   pure helpers
//   plots
//   draw
#include "viz/panels/outputs_panel.h"

#include <imgui.h>

#include <algorithm>

#include "compute/ssm/hidden_attention.h"
#include "viz/widgets/plot.h"
#include "viz/widgets/text_fit.h"

namespace seqscope::viz {

// [SECTION] pure helpers

AttentionColumn attention_column(int d, int heads, int head_dim) {
  const int width = std::max(1, heads * head_dim);
  const int column = ((d % width) + width) % width;
  return {column / std::max(1, head_dim), column % std::max(1, head_dim), d >= width};
}

std::vector<float> matrix_column(const compute::Matrix& m, int d) {
  if (d < 0 || d >= m.cols()) return {};
  std::vector<float> out(static_cast<size_t>(m.rows()));
  for (Eigen::Index t = 0; t < m.rows(); ++t) out[static_cast<size_t>(t)] = m(t, d);
  return out;
}

std::vector<float> attention_output(const compute::AttentionResults& a, AttentionColumn column) {
  if (a.out.shape.size() != 3 || column.head >= a.out.shape[0] || column.dim >= a.out.shape[2]) return {};
  std::vector<float> out(static_cast<size_t>(a.out.shape[1]));
  for (int64_t t = 0; t < a.out.shape[1]; ++t) out[static_cast<size_t>(t)] = a.out.at(column.head, t, column.dim);
  return out;
}

std::string outputs_header(int d, int t, int heads, int head_dim) {
  const AttentionColumn c = attention_column(d, heads, head_dim);
  std::string text = format_text("Outputs · channel d = %d · t = %d · attention: column d of concat(heads) = head %d, dim %d",
                                 d, t, c.head + 1, c.dim);
  if (c.wrapped) text += format_text(" (d mod H·dh = %d)", heads * head_dim);
  return text;
}

namespace {

// [SECTION] plots

// One stacked plot; clicking it moves the cursor. x_ticks: its own t axis labels (short
// stacked plots share the bottom one's).
void plot(PanelContext& context, const char* id, std::span<const Series> series, float height, const char* y_label,
          bool x_ticks = true) {
  LinePlotOptions options;
  options.cursor = std::clamp(context.view.cursor, 0, context.results.inputs.length() - 1);
  options.y_label = y_label;
  options.x_ticks = x_ticks;
  const PlotHover hover = line_plot(id, series, ImVec2(ImGui::GetContentRegionAvail().x, height), options);
  if (!hover.hovered || hover.index < 0) return;
  std::string tip = format_text("t = %d '%s'", hover.index,
                                context.results.inputs.labels[static_cast<size_t>(hover.index)].c_str());
  for (const Series& s : series)
    if (static_cast<size_t>(hover.index) < s.values.size())
      tip += format_text("\n%s = %.5g", s.label.c_str(), s.values[static_cast<size_t>(hover.index)]);
  ImGui::SetTooltip("%s\nclick: move the cursor here", tip.c_str());
  if (hover.clicked) context.view.cursor = hover.index;
}

}  // namespace

// [SECTION] draw

void OutputsPanel::draw(PanelContext& context) {
  const compute::Results& results = context.results;
  const compute::SsmResults& ssm = results.ssm;
  const compute::AttentionResults& a = results.attention;
  if (ssm.y.rows() == 0 || ssm.D == 0) {
    text_line("Outputs · no results", true);
    return;
  }
  ViewState& view = context.view;
  view.channel = std::clamp(view.channel, 0, ssm.D - 1);
  const int d = view.channel, t = std::clamp(view.cursor, 0, static_cast<int>(ssm.y.rows()) - 1);
  // Header on the left, the channel slider at the right end of the same line.
  const float slider_w = std::min(160.0f, 0.3f * ImGui::GetContentRegionAvail().x);
  const float label_w = ImGui::CalcTextSize("d").x + ImGui::GetStyle().ItemInnerSpacing.x;
  const float header_w = ImGui::GetContentRegionAvail().x - slider_w - label_w - ImGui::GetStyle().ItemSpacing.x;
  const ImVec2 header_at = ImGui::GetCursorPos();
  std::string header = outputs_header(d, t, a.H, a.dh);
  const AttentionColumn c = attention_column(d, a.H, a.dh);
  if (ImGui::CalcTextSize(header.c_str()).x > header_w)
    header = format_text("Outputs · d = %d · t = %d · attn: concat(heads)[:, d] = head %d, dim %d", d, t, c.head + 1, c.dim);
  if (ImGui::CalcTextSize(header.c_str()).x > header_w)
    header = format_text("Outputs · d = %d · t = %d · attn: head %d, dim %d", d, t, c.head + 1, c.dim);
  ImGui::TextUnformatted(fit_text(header, header_w).c_str());
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("The attention output is [H, L, dh]. Channel d of it means column d of the heads'\n"
                      "outputs concatenated side by side ([L, H·dh], as they enter the output projection):\n"
                      "head d / dh, dimension d %% dh.");
  if (!context.figure) {  // a figure names the channel in the header and has no controls
    ImGui::SetCursorPos(ImVec2(header_at.x + header_w + ImGui::GetStyle().ItemSpacing.x, header_at.y));
    ImGui::SetNextItemWidth(slider_w);
    ImGui::SliderInt("d", &view.channel, 0, ssm.D - 1);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("SSM channel d (shared with the SSM panels)");
  }

  const std::vector<float> u = matrix_column(results.inputs.u, d);
  const std::vector<float> u_scan = ssm.params.conv_width > 0 ? matrix_column(ssm.u, d) : std::vector<float>{};
  const std::vector<float> y = matrix_column(ssm.y, d);
  const std::vector<float> y_gated = ssm.gated ? matrix_column(ssm.y_gated, d) : std::vector<float>{};
  const AttentionColumn column = attention_column(d, a.H, a.dh);
  const std::vector<float> attn = attention_output(a, column);

  std::vector<Series> inputs{{"u[t, d] (input)", u, 0}};
  if (!u_scan.empty()) inputs.push_back({"u after conv + SiLU (scan input)", u_scan, 0});
  std::vector<Series> ssm_series{{"y_ssm[t, d]", y, series_color(4)}};
  if (!y_gated.empty()) ssm_series.push_back({"y_gated = y_ssm · silu(z)", y_gated, series_color(5)});
  // The skip term D u often dominates y: alpha u = y - D u on its own scale shows the mixing.
  const std::vector<float> mixing = compute::ssm_mixing(ssm, d);  // a Series only points at it
  const Series mixing_series[] = {{"α·u = y_ssm − D·u (what the SSM mixes)", mixing, series_color(6)}};
  const Series attn_series[] = {{format_text("attention out[head %d, t, %d]", column.head + 1, column.dim), attn,
                                 series_color(2)}};

  const float spacing = ImGui::GetStyle().ItemSpacing.y;
  const float total = ImGui::GetContentRegionAvail().y - 3.0f * spacing;
  // Four plots need room: a short panel leaves out the input u (the top strip shows the input).
  const float input_share = total < 300.0f ? 0.0f : 0.22f;
  const float output_share = (1.0f - input_share) / 3.0f;
  // Plots shorter than five lines share one t axis, under the bottom plot: their own tick labels
  // would crowd the legend of the plot below.
  const bool own_ticks = output_share * total >= 5.0f * ImGui::GetTextLineHeight();
  if (input_share > 0.0f) plot(context, "##u", inputs, input_share * total, "u", own_ticks);
  plot(context, "##y", ssm_series, output_share * total, "y", own_ticks);
  plot(context, "##mix", mixing_series, output_share * total, "α·u", own_ticks);
  plot(context, "##attn", attn_series, ImGui::GetContentRegionAvail().y, "out");
}

}  // namespace seqscope::viz
