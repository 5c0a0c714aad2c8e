// The Lesson panel (viz/panels/lesson_panel.h): every step of every embedded lesson renders headless,
// next to the first panel it emphasizes, to a non-blank image; emphasized names are real panels;
// the claim's live check is what check_claim says. SEQSCOPE_PANEL_PNG_DIR writes the images.
#include <gtest/gtest.h>
#include <imgui.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string_view>

#include "compute/backend/eigen_backend.h"
#include "compute/lessons/lessons.h"
#include "compute/session/inputs.h"
#include "tests/support/lesson_results.h"
#include "tests/support/vk_test_context.h"
#include "viz/panels/lesson_panel.h"
#include "viz/panels/panel.h"
#include "viz/render/gpu_results.h"
#include "viz/render/headless_ui.h"

namespace seqscope::viz {
namespace {

size_t distinct_colors(const Image& image, uint32_t x0, uint32_t x1) {
  std::set<uint32_t> colors;
  for (uint32_t y = 0; y < image.height; ++y)
    for (uint32_t x = x0; x < x1; ++x) {
      const size_t i = (static_cast<size_t>(y) * image.width + x) * 4;
      colors.insert(image.rgba[i] | image.rgba[i + 1] << 8 | image.rgba[i + 2] << 16);
    }
  return colors.size();
}

bool is_panel_name(const std::string& name) {
  return name == "scan_distances" || panel_from_name(name).has_value();
}

TEST(LessonPanel, EmphasizedNamesArePanels) {
  for (const compute::Lesson& lesson : compute::load_lessons())
    for (const compute::LessonStep& step : lesson.steps)
      for (const std::string& name : step.emphasize) EXPECT_TRUE(is_panel_name(name)) << lesson.name << ": " << name;
}

TEST(LessonPanel, EveryStepRendersNonBlank) {
  HeadlessUi ui(testing::test_context());
  std::vector<std::unique_ptr<Panel>> panels = make_panels();
  constexpr uint32_t k_width = 960, k_height = 600, k_lesson_width = 360;
  for (const compute::Lesson& lesson : compute::load_lessons())
    for (size_t s = 0; s < lesson.steps.size(); ++s) {
      const compute::LessonStep& step = lesson.steps[s];
      const compute::Results results = testing::lesson_step_results(step);
      ViewState view;
      view.cursor = step.session.cursor;
      view.channel = step.channel;
      view.head = step.head;
      GpuResults gpu(testing::test_context());
      gpu.upload(std::make_shared<const compute::Results>(results), view.normalization);
      PanelContext context{gpu, ui.renderer().heatmaps(), view};
      std::string shown = "attention";
      for (const std::string& name : step.emphasize)
        if (name != "scan_distances") {
          shown = name;
          break;
        }
      Panel* panel = nullptr;
      for (auto& p : panels)
        if (shown == p->name()) panel = p.get();
      ASSERT_NE(panel, nullptr) << shown;
      LessonPanel lesson_panel;
      LessonAction action = LessonAction::None;
      const Image image = ui.render(k_width, k_height, [&] {
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImVec2(static_cast<float>(k_width), static_cast<float>(k_height)));
        ImGui::Begin("lesson", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
        ImGui::BeginChild("text", ImVec2(k_lesson_width, 0), true);
        action = lesson_panel.draw(lesson, static_cast<int>(s), context, 1, true);
        ImGui::EndChild();
        ImGui::SameLine();
        ImGui::BeginChild("panel", ImVec2(0, 0), true);
        panel->draw(context);
        ImGui::EndChild();
        ImGui::End();
      });
      EXPECT_EQ(action, LessonAction::None);
      const std::string where = lesson.name + " step " + std::to_string(s + 1);
      EXPECT_GT(distinct_colors(image, 0, k_lesson_width), 8u) << where;  // text, not an empty column
      EXPECT_GT(distinct_colors(image, k_lesson_width, k_width), 8u) << where;
      if (const char* dir = std::getenv("SEQSCOPE_PANEL_PNG_DIR"))
        write_png((std::filesystem::path(dir) / ("lesson_" + lesson.name + "_" + std::to_string(s + 1) + ".png")).string(),
                  image);
    }
}

}  // namespace
}  // namespace seqscope::viz
