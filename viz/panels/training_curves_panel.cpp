// Training curves (training_curves_panel.h): three plots and a table, drawn with the plot
// widgets of viz/widgets/plot.h.
#include "viz/panels/training_curves_panel.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <vector>

#include "viz/widgets/plot.h"

namespace seqscope::viz {

using compute::train::TrainingHistory;

int curve_smoothing_window(size_t steps) {
  return std::max(1, static_cast<int>(steps / 50));
}

namespace {

std::string run_label(const TrainingHistory& run) {
  return run.pattern + " (" + run.name + ")";
}

// One smoothed series per run of the field `of` of every step record.
template <typename Field>
std::vector<std::vector<float>> smoothed_series(std::span<const TrainingHistory> runs, int window, Field of) {
  std::vector<std::vector<float>> out;
  for (const TrainingHistory& run : runs) {
    std::vector<float> values;
    values.reserve(run.steps.size());
    for (const auto& record : run.steps) values.push_back(static_cast<float>(of(record)));
    out.push_back(compute::train::smoothed(values, window));
  }
  return out;
}

std::vector<Series> as_series(std::span<const TrainingHistory> runs, const std::vector<std::vector<float>>& values) {
  std::vector<Series> series;
  for (size_t i = 0; i < runs.size(); ++i) series.push_back({run_label(runs[i]), values[i], 0});
  return series;
}

// The evaluated lengths every run has, in order.
std::vector<int> common_lengths(std::span<const TrainingHistory> runs) {
  std::vector<int> lengths;
  bool first = true;
  for (const TrainingHistory& run : runs) {
    std::set<int> mine;
    if (run.final_eval)
      for (const auto& point : run.final_eval->points) mine.insert(point.length);
    if (first) lengths.assign(mine.begin(), mine.end());
    else
      lengths.erase(std::remove_if(lengths.begin(), lengths.end(), [&](int l) { return !mine.count(l); }),
                    lengths.end());
    first = false;
  }
  return lengths;
}

double accuracy_at(const TrainingHistory& run, int length) {
  for (const auto& point : run.final_eval->points)
    if (point.length == length) return point.accuracy;
  return 0.0;
}

void length_plot(std::span<const TrainingHistory> runs, ImVec2 size) {
  const std::vector<int> lengths = common_lengths(runs);
  if (lengths.empty()) {
    ImGui::TextDisabled("accuracy against length: each run is evaluated at its lengths when it ends");
    return;
  }
  std::vector<std::vector<float>> values;
  for (const TrainingHistory& run : runs) {
    std::vector<float> row;
    for (int length : lengths) row.push_back(static_cast<float>(accuracy_at(run, length)));
    values.push_back(std::move(row));
  }
  std::vector<std::string> labels;
  for (int length : lengths) labels.push_back("L " + std::to_string(length));
  LinePlotOptions options;
  options.y_min = 0.0f;
  options.y_max = 1.0f;
  options.x_label = "evaluated length";
  options.y_label = "accuracy";
  options.x_labels = labels;
  line_plot("##length", as_series(runs, values), size, options);
}

void final_table(std::span<const TrainingHistory> runs) {
  constexpr ImGuiTableFlags k_flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("##runs", 6, k_flags)) return;
  for (const char* header : {"run", "steps", "loss", "batch accuracy", "eval accuracy (length)", "tokens/s"})
    ImGui::TableSetupColumn(header);
  ImGui::TableHeadersRow();
  for (size_t i = 0; i < runs.size(); ++i) {
    const TrainingHistory& run = runs[i];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(series_color(static_cast<int>(i))), "%s", run_label(run).c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%zu", run.steps.size());
    const auto* last = run.steps.empty() ? nullptr : &run.steps.back();
    ImGui::TableNextColumn();
    if (last) ImGui::Text("%.4f", last->loss);
    ImGui::TableNextColumn();
    if (last) ImGui::Text("%.1f%%", 100.0 * last->accuracy);
    ImGui::TableNextColumn();
    std::string evals;
    if (run.final_eval)
      for (const auto& point : run.final_eval->points) {
        char text[64];
        std::snprintf(text, sizeof(text), "%s%.1f%% (%d)", evals.empty() ? "" : ", ", 100.0 * point.accuracy,
                      point.length);
        evals += text;
      }
    ImGui::TextUnformatted(evals.empty() ? "-" : evals.c_str());
    ImGui::TableNextColumn();
    if (last) ImGui::Text("%.0f", last->tokens_per_s);
  }
  ImGui::EndTable();
}

}  // namespace

void draw_training_curves(std::span<const TrainingHistory> runs, const std::string& title, ImVec2 size) {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (size.x <= 0.0f) size.x = avail.x;
  if (size.y <= 0.0f) size.y = avail.y;
  size_t longest = 0;
  for (const TrainingHistory& run : runs) longest = std::max(longest, run.steps.size());
  const int window = curve_smoothing_window(longest);
  ImGui::Text("%s · %zu run%s · curves: moving average over %d step%s", title.c_str(), runs.size(),
              runs.size() == 1 ? "" : "s", window, window == 1 ? "" : "s");
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float table_height = ImGui::GetFrameHeightWithSpacing() * (static_cast<float>(runs.size()) + 1.5f);
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float plots_height = std::max(80.0f, size.y - table_height - 3.0f * line);
  const ImVec2 half((size.x - spacing) * 0.5f, plots_height * 0.55f);

  const auto loss = smoothed_series(runs, window, [](const auto& r) { return r.loss; });
  const auto accuracy = smoothed_series(runs, window, [](const auto& r) { return r.accuracy; });
  LinePlotOptions loss_options;
  loss_options.x_label = "step";
  loss_options.x_first = 1;
  loss_options.y_label = "loss";
  loss_options.y_min = 0.0f;
  float highest = 0.0f;
  for (const auto& values : loss)
    for (float v : values) highest = std::max(highest, v);
  loss_options.y_max = std::max(highest, 1e-3f);
  ImGui::BeginGroup();
  ImGui::TextUnformatted("loss (cross-entropy over the targeted positions) against step");
  line_plot("##loss", as_series(runs, loss), half, loss_options);
  ImGui::EndGroup();
  ImGui::SameLine();
  LinePlotOptions accuracy_options;
  accuracy_options.x_label = "step";
  accuracy_options.x_first = 1;
  accuracy_options.y_label = "accuracy";
  accuracy_options.y_min = 0.0f;
  accuracy_options.y_max = 1.0f;
  ImGui::BeginGroup();
  ImGui::TextUnformatted("batch accuracy (argmax = target) against step");
  line_plot("##accuracy", as_series(runs, accuracy), half, accuracy_options);
  ImGui::EndGroup();
  ImGui::TextUnformatted("last evaluation: accuracy against sequence length");
  length_plot(runs, ImVec2(size.x, plots_height * 0.45f - line));
  final_table(runs);
}

}  // namespace seqscope::viz
