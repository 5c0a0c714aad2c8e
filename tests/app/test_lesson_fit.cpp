// Lessons at every common screen size (issue 20): at 1280x800, 1366x768, 1600x1000 and
// 1920x1080, every panel a lesson step emphasizes shows all of its content (nothing cut off at
// its bottom edge, measured by Dashboard::panel_overflow), and the dynamics and cost tabs the step
// names are the ones open. Each step is opened as `seqscope --lesson NAME --lesson-step K` opens it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/cmd_lessons.h"
#include "app/dashboard.h"
#include "app/export_render.h"
#include "app/view_config.h"
#include "app/workspace.h"
#include "compute/lessons/lessons.h"
#include "compute/session/session_schema.h"
#include "tests/support/vk_test_context.h"

namespace seqscope::app {
namespace {

struct ScreenSize {
  uint32_t width, height;
};
constexpr ScreenSize k_sizes[] = {{1280, 800}, {1366, 768}, {1600, 1000}, {1920, 1080}};

// What one lesson step shows at one size: the emphasized panels cut off (name and pixels) and
// the dynamics tab open.
struct StepFit {
  std::vector<std::pair<std::string, float>> cut;
  compute::DynamicsTab tab = compute::DynamicsTab::Eigenvalues;
  compute::CostTab cost_tab = compute::CostTab::Scaling;
};

StepFit fit_of(const compute::Lesson& lesson, int step, ScreenSize size) {
  Options options;
  options.lesson = lesson.name;
  options.lesson_step = step + 1;
  const compute::Session session = lesson_session(options);
  Workspace workspace(session, &testing::test_context());
  workspace.update();
  FigureRenderer figure(testing::test_context(), workspace, view_from_session(session),
                        FigureSpec{"", size.width, size.height, 1, false}, "test device");
  Dashboard* dashboard = nullptr;
  figure.prepare([&](Dashboard& shown) {
    dashboard = &shown;
    open_lesson_step(shown, options);
    if (workspace.update()) shown.on_new_results();
  });
  figure.render(figure.view().cursor);
  StepFit fit;
  for (const std::string& name : lesson.steps[static_cast<size_t>(step)].emphasize)
    if (const float cut = dashboard->panel_overflow(name); cut > 1.0f) fit.cut.emplace_back(name, cut);
  fit.tab = figure.view().dynamics_tab;
  fit.cost_tab = figure.view().cost_tab;
  return fit;
}

TEST(LessonFit, EveryEmphasizedPanelFitsAtEveryCommonSize) {
  const std::vector<compute::Lesson> lessons = compute::load_lessons();
  ASSERT_GE(lessons.size(), 10u);
  int checked = 0;
  for (const compute::Lesson& lesson : lessons) {
    for (int step = 0; step < static_cast<int>(lesson.steps.size()); ++step) {
      for (const ScreenSize size : k_sizes) {
        const StepFit fit = fit_of(lesson, step, size);
        const std::string where = lesson.name + " step " + std::to_string(step + 1) + " at " +
                                  std::to_string(size.width) + "x" + std::to_string(size.height);
        for (const auto& [panel, pixels] : fit.cut) {
          ADD_FAILURE() << where << ": " << panel << " cut off by " << pixels << " px";
        }
        const std::string& tab = lesson.steps[static_cast<size_t>(step)].dynamics_tab;
        if (!tab.empty()) {
          EXPECT_EQ(compute::schema::enum_name(fit.tab), tab) << where;
        }
        const std::string& cost_tab = lesson.steps[static_cast<size_t>(step)].cost_tab;
        if (!cost_tab.empty()) {
          EXPECT_EQ(compute::schema::enum_name(fit.cost_tab), cost_tab) << where;
        }
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 4 * 40);
}

}  // namespace
}  // namespace seqscope::app
