// LessonController (lesson_controller.h).
#include "app/lesson_controller.h"

#include <imgui.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>

#include "app/model_source.h"
#include "app/model_zoo.h"
#include "compute/lessons/lesson_evals.h"
#include "compute/session/session_schema.h"

namespace seqscope::app {
namespace {

std::filesystem::path resolve_folder(const std::string& name) { return resolve_model_path(name); }

// Sessions equal up to the cursor (which the view owns while a lesson runs).
bool same_session(compute::Session a, compute::Session b) {
  a.cursor = b.cursor = 0;
  a.view = b.view = {};  // how it is shown is the dashboard's
  return compute::session_to_json(a) == compute::session_to_json(b);
}

}  // namespace

LessonController::LessonController()
    : scratch_(std::filesystem::temp_directory_path() / ("seqscope-lessons-" + std::to_string(::getpid()))) {
  try {
    lessons_ = compute::load_lessons();
  } catch (const compute::UserError& e) {
    load_error_ = e.what();  // shown in the menu; a broken lesson file must not stop the app
  }
}

// The models retrained for this window's lessons are scratch: they go with it.
LessonController::~LessonController() {
  if (evaluating_.valid()) evaluating_.wait();
  std::error_code ignored;
  std::filesystem::remove_all(scratch_, ignored);
}

void LessonController::open(const compute::Lesson& lesson, int step, Workspace& workspace, viz::ViewState& view) {
  lesson_ = lesson;
  step_ = std::clamp(step, 0, static_cast<int>(lesson.steps.size()) - 1);
  show_start_ = false;
  start_evaluations();
  apply(workspace, view);
}

void LessonController::start_evaluations() {
  if (lesson_->claim.evaluations.empty() || evaluated_lesson_ == lesson_->name) return;
  if (evaluating_.valid()) evaluating_.wait();  // an earlier lesson's: short, and it must not outlive us
  evaluated_.reset();
  evaluated_lesson_ = lesson_->name;
  evaluating_ = std::async(std::launch::async, [claim = lesson_->claim, scratch = scratch_ / "evaluations"] {
    try {
      return compute::evaluations_claim(compute::evaluate_claim_models(claim, resolve_folder, scratch, 1));
    } catch (const compute::UserError& e) {
      return compute::ClaimResult{false, std::string("could not evaluate: ") + e.what()};
    } catch (const std::filesystem::filesystem_error& e) {
      return compute::ClaimResult{false, std::string("could not evaluate: ") + e.what()};
    }
  });
}

const compute::ClaimResult* LessonController::poll_evaluations() {
  if (evaluating_.valid() && evaluating_.wait_for(std::chrono::seconds(0)) == std::future_status::ready)
    evaluated_ = evaluating_.get();
  return evaluated_ ? &*evaluated_ : nullptr;
}

void LessonController::show_step(const compute::LessonStep& step, Workspace& workspace, viz::ViewState& view) {
  if (step.models.shown()) {
    if (workspace.model() && shown_models_ == step.models && !workspace.model()->intervened()) return;
    try {
      workspace.use_model(open_shown_models(step.models, scratch_ / "shown"));
      shown_models_ = step.models;
      pending_view_ = true;
    } catch (const compute::UserError& e) {
      workspace.report_error("lesson " + lesson_->name + ": " + e.what());
    } catch (const std::filesystem::filesystem_error& e) {  // the scratch folder for a retrained model
      workspace.report_error("lesson " + lesson_->name + ": " + e.what());
    }
    return;
  }
  if (!workspace.model() && same_session(workspace.session(), step.session)) return;
  const compute::Session old = workspace.session();
  workspace.replace(step.session);
  shown_models_ = {};
  pending_view_ = true;
  view.cursor = std::min(view.cursor, compute::sequence_length(old) - 1);
  view.channel = std::min(view.channel, old.d_model - 1);
  view.head = std::min(view.head, old.attention.heads - 1);
}

bool LessonController::step_matches(const compute::LessonStep& step, const compute::Results& results,
                                    Workspace& workspace) const {
  if (!step.models.shown()) return !workspace.model() && same_session(results.session, step.session) &&
                                   same_session(workspace.session(), step.session);
  const ModelSource* model = workspace.model();
  return model && shown_models_ == step.models && model->sample() == step.models.sample &&
         model->layer() == step.models.layer && model->layer2() == step.models.layer2 && !model->intervened();
}

void LessonController::apply(Workspace& workspace, viz::ViewState& view) {
  const compute::LessonStep& step = lesson_->steps[static_cast<size_t>(step_)];
  // Steps that only move the cursor or the selection must not recompute.
  view.cursor = step.session.cursor;
  view.channel = step.channel;
  view.head = step.head;
  show_step(step, workspace, view);
  view.all_heads = false;
  view.playing = false;
  ++applied_;
  sweep_requested_ = step.measure_sweep;
  if (const auto tab = compute::schema::enum_from_name<compute::DynamicsTab>(step.dynamics_tab)) view.dynamics_tab = *tab;
  if (const auto tab = compute::schema::enum_from_name<compute::CostTab>(step.cost_tab)) view.cost_tab = *tab;
}

void LessonController::draw(viz::PanelContext& context, Workspace& workspace) {
  if (!lesson_) return;
  const compute::LessonStep& step = lesson_->steps[static_cast<size_t>(step_)];
  const bool matches = step_matches(step, context.results, workspace);
  switch (panel_.draw(*lesson_, step_, context, workspace.recompute_count(), matches, poll_evaluations())) {
    case viz::LessonAction::Back:
      --step_;
      apply(workspace, context.view);
      break;
    case viz::LessonAction::Next:
      ++step_;
      apply(workspace, context.view);
      break;
    case viz::LessonAction::Close: close(); break;
    case viz::LessonAction::None: break;
  }
}

void LessonController::on_new_results(viz::ViewState& view) {
  if (!pending_view_ || !lesson_) return;
  pending_view_ = false;
  const compute::LessonStep& step = lesson_->steps[static_cast<size_t>(step_)];
  view.cursor = step.session.cursor;
  view.channel = step.channel;
  view.head = step.head;
}

bool LessonController::emphasized(std::string_view panel) const {
  if (!lesson_) return false;
  const auto& names = lesson_->steps[static_cast<size_t>(step_)].emphasize;
  return std::find(names.begin(), names.end(), panel) != names.end();
}

void LessonController::draw_menu_items(Workspace& workspace, viz::ViewState& view) {
  if (!load_error_.empty()) ImGui::TextDisabled("lessons: %s", load_error_.c_str());
  for (const compute::Lesson& lesson : lessons_)
    if (ImGui::MenuItem(("Lesson: " + lesson.title).c_str())) open(lesson, 0, workspace, view);
  if (active() && ImGui::MenuItem("Close the lesson")) close();
}

void LessonController::draw_start_window(Workspace& workspace, viz::ViewState& view) {
  if (!show_start_) return;
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(viewport->WorkPos.x + viewport->WorkSize.x * 0.5f, viewport->WorkPos.y + viewport->WorkSize.y * 0.5f),
                          ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 40.0f, 0.0f), ImGuiCond_Appearing);
  ImGui::Begin("Start here: lessons", &show_start_, ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse);
  ImGui::TextWrapped("Each lesson is a few screens that make one point about state space models vs attention; "
                     "every claim it makes is checked on the numbers on screen. Pick one, or close this window to "
                     "explore on your own (lessons stay in the Presets menu).");
  ImGui::Separator();
  for (size_t i = 0; i < lessons_.size(); ++i) {
    const compute::Lesson& lesson = lessons_[i];
    if (ImGui::Selectable((std::to_string(i + 1) + ". " + lesson.title).c_str())) {
      open(lesson, 0, workspace, view);
      break;
    }
  }
  ImGui::End();
}

}  // namespace seqscope::app
