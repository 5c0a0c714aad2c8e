// Golden images of widgets rendered offscreen (same code path as the window and export).
#include <gtest/gtest.h>
#include <imgui.h>

#include "tests/support/golden.h"
#include "tests/support/vk_test_context.h"
#include "viz/panels/test_pattern_panel.h"
#include "viz/render/headless_ui.h"

namespace seqscope {
namespace {

TEST(Golden, HeatmapTestPattern) {
  viz::HeadlessUi ui(testing::test_context());
  ASSERT_TRUE(ui.has_font()) << "fonts-dejavu-core is needed for golden images";
  viz::TestPatternPanel panel(testing::test_context(), ui.renderer().heatmaps(), 1024);
  const viz::Image image = ui.render(800, 330, [&] {
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(800, 330));
    ImGui::Begin("golden", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
    panel.draw();
    ImGui::End();
  });
  const auto result = testing::compare_with_golden(image, "heatmap_test_pattern");
  EXPECT_TRUE(result.matches) << result.message;
}

}  // namespace
}  // namespace seqscope
