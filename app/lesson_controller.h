// LessonController: the app side of lessons (compute/lessons/lessons.h). It keeps the open lesson and
// step, applies a step (the Workspace session, the cursor, channel and head, the dynamics tab),
// draws the Lesson panel in place of the controls column, tells the dashboard which panels to
// outline, and draws the "Start here" lesson list and the lesson menu items. A step with trained
// models opens them as --model would (zoo:NAME resolved by app/model_zoo.h), and a claim's
// evaluations of trained models run in the background when the lesson opens.
#pragma once
#include <filesystem>
#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/workspace.h"
#include "compute/lessons/lessons.h"
#include "viz/panels/lesson_panel.h"
#include "viz/panels/panel_context.h"

namespace seqscope::app {

class LessonController {
 public:
  LessonController();
  ~LessonController();
  LessonController(const LessonController&) = delete;
  LessonController& operator=(const LessonController&) = delete;
  bool active() const { return lesson_.has_value(); }
  int step() const { return step_; }
  // Opens `lesson` at `step` (0-based) and applies that step.
  void open(const compute::Lesson& lesson, int step, Workspace& workspace, viz::ViewState& view);
  void close() { lesson_.reset(); }
  // The Lesson panel in the current region; Back / Next apply the neighbouring step.
  void draw(viz::PanelContext& context, Workspace& workspace);
  bool emphasized(std::string_view panel) const;
  // Counts the steps applied so far (the dashboard fits its rows once per step).
  int applied() const { return applied_; }
  // True once after a step with "measure_sweep" was applied: the Cost panel's sweep is wanted.
  bool take_sweep_request() { return std::exchange(sweep_requested_, false); }
  // After a step replaced the session: the step's cursor, channel and head, once the Results
  // they refer to exist (until then the view stays inside the old Results).
  void on_new_results(viz::ViewState& view);
  // Blocks until the claim's evaluations of trained models are done (headless export).
  void wait_for_evaluations() {
    if (evaluating_.valid()) evaluated_ = evaluating_.get();
  }
  // The claim's evaluations run in the background; the panel shows them when they end.
  bool evaluating() const { return evaluating_.valid(); }
  // "Lessons" items for a menu that is open.
  void draw_menu_items(Workspace& workspace, viz::ViewState& view);
  // The "Start here" window: shown after request_start_window() until a lesson is picked or it is closed.
  void request_start_window() { show_start_ = true; }
  void draw_start_window(Workspace& workspace, viz::ViewState& view);

 private:
  void apply(Workspace& workspace, viz::ViewState& view);
  // A step's session, or its trained models (a ModelSource), into the workspace when it differs.
  void show_step(const compute::LessonStep& step, Workspace& workspace, viz::ViewState& view);
  bool step_matches(const compute::LessonStep& step, const compute::Results& results, Workspace& workspace) const;
  // The claim's evaluations of trained models run once per opened lesson, off the UI thread.
  void start_evaluations();
  const compute::ClaimResult* poll_evaluations();
  std::vector<compute::Lesson> lessons_;
  std::string load_error_;
  std::optional<compute::Lesson> lesson_;
  int step_ = 0;
  viz::LessonPanel panel_;
  bool show_start_ = false;
  bool pending_view_ = false;
  int applied_ = 0;
  bool sweep_requested_ = false;
  compute::LessonModels shown_models_;  // the models a step opened (none: a session is shown)
  std::future<compute::ClaimResult> evaluating_;
  std::optional<compute::ClaimResult> evaluated_;
  std::string evaluated_lesson_;
  std::filesystem::path scratch_;  // models retrained to a step (trained_steps), removed with us
};

}  // namespace seqscope::app
