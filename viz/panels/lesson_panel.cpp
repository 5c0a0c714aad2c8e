// LessonPanel (lesson_panel.h).
//
// Index (each part starts at a "// [SECTION] name" line):
//   header, text, buttons
//   claim
//   scan distances
#include "viz/panels/lesson_panel.h"

#include <imgui.h>

#include <algorithm>
#include <vector>

#include "viz/widgets/plot.h"
#include "viz/widgets/text_fit.h"

namespace seqscope::viz {

// [SECTION] header, text, buttons

LessonAction LessonPanel::draw(const compute::Lesson& lesson, int step, PanelContext& context, int generation,
                               bool session_matches, const compute::ClaimResult* evaluated) {
  const int steps = static_cast<int>(lesson.steps.size());
  step = std::clamp(step, 0, steps - 1);
  const compute::LessonStep& current = lesson.steps[static_cast<size_t>(step)];
  LessonAction action = LessonAction::None;

  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.3f, 1.0f), "%s", lesson.title.c_str());
  ImGui::PopTextWrapPos();
  ImGui::ProgressBar(static_cast<float>(step + 1) / static_cast<float>(steps), ImVec2(-1.0f, 0.0f),
                     format_text("Step %d / %d", step + 1, steps).c_str());
  if (ImGui::Button("◀ Back") && step > 0) action = LessonAction::Back;
  ImGui::SameLine();
  if (ImGui::Button(step + 1 < steps ? "Next ▶" : "Done") ) action = step + 1 < steps ? LessonAction::Next : LessonAction::Close;
  ImGui::SameLine();
  if (ImGui::Button("Close lesson")) action = LessonAction::Close;
  ImGui::Separator();

  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(current.text.c_str());
  ImGui::PopTextWrapPos();
  if (!current.emphasize.empty()) ImGui::TextDisabled("Look at the outlined panels.");
  ImGui::Spacing();
  draw_claim(lesson, step, context.results, generation, session_matches, evaluated);
  if (context.results.session.input.kind == compute::InputKind::Grid) {
    const bool emphasized = std::find(current.emphasize.begin(), current.emphasize.end(), "scan_distances") !=
                            current.emphasize.end();
    draw_scan_distances(context.results, generation, emphasized);
  }
  return action;
}

// [SECTION] claim

namespace {

void claim_verdict(const compute::ClaimResult& claim, const char* holds) {
  ImGui::TextColored(claim.passed ? ImVec4(0.4f, 0.9f, 0.4f, 1.0f) : ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s",
                     claim.passed ? holds : "Does NOT hold here:");
  ImGui::TextUnformatted(claim.detail.c_str());
}

}  // namespace

void LessonPanel::draw_claim(const compute::Lesson& lesson, int step, const compute::Results& results, int generation,
                             bool session_matches, const compute::ClaimResult* evaluated) {
  ImGui::Separator();
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextDisabled("The lesson's claim");
  ImGui::TextUnformatted(lesson.claim.text.c_str());
  const std::vector<std::string> here = lesson.claim.checks_at(step);
  if (here.empty() && !lesson.claim.checks.empty()) {
    std::string list;
    for (int s : lesson.claim.checked_steps()) list += (list.empty() ? "" : ", ") + std::to_string(s + 1);
    ImGui::TextDisabled("Checked on the numbers of step %s.", list.c_str());
  } else if (!here.empty() && !session_matches) {
    ImGui::TextDisabled("The session was changed: go Back / Next to check the claim on the lesson's session.");
  } else if (!here.empty()) {
    if (generation != claim_generation_ || claim_lesson_ != lesson.name || claim_step_ != step) {
      claim_ = {true, ""};  // cached: some checks cost O(L^2)
      for (const std::string& check : here) {
        const compute::ClaimResult result = compute::check_claim(check, results);
        claim_.passed = claim_.passed && result.passed;
        claim_.detail += (claim_.detail.empty() ? "" : "\n") + result.detail;
      }
      claim_generation_ = generation;
      claim_lesson_ = lesson.name;
      claim_step_ = step;
    }
    claim_verdict(claim_, "Holds on the numbers on screen:");
  }
  if (!lesson.claim.evaluations.empty()) {
    ImGui::TextDisabled("The trained models, each on %d fresh samples of its task:", lesson.claim.samples);
    if (evaluated)
      claim_verdict(*evaluated, "Holds on their accuracies:");
    else
      ImGui::TextDisabled("evaluating...");
  }
  ImGui::PopTextWrapPos();
}

// [SECTION] scan distances

void LessonPanel::draw_scan_distances(const compute::Results& results, int generation, bool emphasized) {
  if (generation != distance_generation_) {
    current_ = compute::neighbour_distances(results.inputs.scan_order, results.session.input.grid);
    row_major_ = compute::neighbour_distances_for(results.session, compute::ScanOrder::RowMajor);
    snake_ = compute::neighbour_distances_for(results.session, compute::ScanOrder::Snake);
    hilbert_ = compute::neighbour_distances_for(results.session, compute::ScanOrder::Hilbert);
    distance_generation_ = generation;
  }
  if (current_.distances.empty()) return;
  ImGui::Separator();
  const ImVec2 top = ImGui::GetCursorScreenPos();
  text_line("4-neighbour pairs by distance |t(a) − t(b)| in this scan");
  // Bins 1, 2, ... up to 16, then one bin for everything farther.
  constexpr int k_bins = 17;
  std::vector<float> counts(k_bins, 0.0f);
  for (int d : current_.distances) counts[static_cast<size_t>(std::clamp(d, 1, k_bins) - 1)] += 1.0f;
  std::vector<std::string> labels;
  for (int b = 1; b < k_bins; ++b) labels.push_back(std::to_string(b));
  labels.push_back(format_text(">%d", k_bins - 1));
  const float height = std::clamp(ImGui::GetContentRegionAvail().y - 6.5f * ImGui::GetFrameHeightWithSpacing(),
                                  80.0f, 220.0f);
  bar_chart("##distances", counts, labels, -1, ImVec2(ImGui::GetContentRegionAvail().x, height));
  // One row per order: this scan first, then the three orders of the claim.
  const compute::NeighbourDistances* orders[] = {&current_, &row_major_, &snake_, &hilbert_};
  const char* names[] = {"this scan", "row-major", "snake", "Hilbert"};
  if (ImGui::BeginTable("##orders", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
    for (const char* header : {"order", "mean", "median", "worst", "≤ 3 steps"}) ImGui::TableSetupColumn(header);
    ImGui::TableHeadersRow();
    for (int i = 0; i < 4; ++i) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(names[i]);
      ImGui::TableNextColumn();
      ImGui::Text("%.2f", orders[i]->mean);
      ImGui::TableNextColumn();
      ImGui::Text("%.1f", orders[i]->median);
      ImGui::TableNextColumn();
      ImGui::Text("%d", orders[i]->max);
      ImGui::TableNextColumn();
      ImGui::Text("%.0f%%", 100.0 * orders[i]->within3);
    }
    ImGui::EndTable();
  }
  if (emphasized) {
    const ImVec2 bottom(top.x + ImGui::GetContentRegionAvail().x, ImGui::GetCursorScreenPos().y);
    ImGui::GetWindowDrawList()->AddRect(ImVec2(top.x - 3, top.y - 3), ImVec2(bottom.x + 3, bottom.y), k_emphasis_color,
                                        3.0f, 0, 2.0f);
  }
}

}  // namespace seqscope::viz
