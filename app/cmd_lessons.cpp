// cmd_lessons.h: listing the lessons and opening one for headless export.
#include "app/cmd_lessons.h"

#include <cstdio>

#include "app/dashboard.h"
#include "app/view_config.h"
#include "compute/lessons/lessons.h"

namespace seqscope::app {
namespace {

const compute::LessonStep& chosen_step(const compute::Lesson& lesson, int step) {
  const int count = static_cast<int>(lesson.steps.size());
  if (step < 1 || step > count)
    throw compute::UserError("--lesson-step " + std::to_string(step) + " is out of range (1.." + std::to_string(count) +
                             " for lesson " + lesson.name + ")");
  return lesson.steps[static_cast<size_t>(step - 1)];
}

}  // namespace

int run_lessons() {
  for (const compute::Lesson& lesson : compute::load_lessons())
    std::printf("%s\t%s\t%zu\n", lesson.name.c_str(), lesson.title.c_str(), lesson.steps.size());
  return 0;
}

compute::Session lesson_session(const Options& options) {
  if (options.session_path || options.preset)
    throw compute::UserError("--lesson cannot be used together with --session or --preset");
  const compute::Lesson lesson = compute::find_lesson(options.lesson);
  const compute::LessonStep& step = chosen_step(lesson, options.lesson_step);
  compute::Session session = step.session;
  // A step with trained models shows their sample: its cursor (and --step) index that, and the
  // dashboard applies them when the step opens.
  if (step.models.shown()) session.cursor = 0;
  if (options.backend)
    session.backend = *options.backend == "eigen"    ? compute::BackendChoice::Eigen
                      : *options.backend == "vulkan" ? compute::BackendChoice::Vulkan
                                                     : compute::BackendChoice::Auto;
  if (options.step && !step.models.shown()) {
    if (*options.step >= compute::sequence_length(session))
      throw compute::UserError("--step " + std::to_string(*options.step) + " is out of range for this lesson step");
    session.cursor = *options.step;
  }
  apply_view_flags(options, session);  // --log, --shared-scale...; the step sets channel, head and tab
  return session;
}

void open_lesson_step(Dashboard& dashboard, const Options& options) {
  const compute::Lesson lesson = compute::find_lesson(options.lesson);
  chosen_step(lesson, options.lesson_step);
  dashboard.open_lesson(lesson, options.lesson_step - 1);
  if (options.step) dashboard.view().cursor = *options.step;
}

}  // namespace seqscope::app
