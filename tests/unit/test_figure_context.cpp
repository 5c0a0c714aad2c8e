// The figure renderer draws in an ImGui context of its own beside the caller's (the window's).
// A figure that throws midway must leave the caller's context current and its own usable
// (issue 16, fault 4: the context used to be switched by hand, and a throw skipped the switch back).
#include <gtest/gtest.h>

#include <imgui.h>

#include <stdexcept>

#include "app/dashboard.h"
#include "app/export_render.h"
#include "app/workspace.h"
#include "tests/support/vk_test_context.h"
#include "viz/render/headless_ui.h"

namespace seqscope::app {
namespace {

TEST(FigureContext, AThrowMidFigureLeavesTheCallersContextCurrent) {
  compute::Session session;
  session.backend = compute::BackendChoice::Eigen;
  session.input.length = 24;
  Workspace workspace(session, nullptr);
  ASSERT_TRUE(workspace.update());
  ImGuiContext* caller = ImGui::CreateContext();
  ImGui::SetCurrentContext(caller);
  {
    FigureRenderer figure(testing::test_context(), workspace, viz::ViewState{}, FigureSpec{"", 640, 400, 1, false},
                          "test device");
    EXPECT_EQ(ImGui::GetCurrentContext(), caller);
    EXPECT_THROW(figure.prepare([](Dashboard&) { throw std::runtime_error("mid-figure"); }), std::runtime_error);
    EXPECT_EQ(ImGui::GetCurrentContext(), caller);
    const viz::Image image = figure.render(3);  // the figure's context still works
    EXPECT_EQ(image.width, 640u);
    EXPECT_EQ(image.height, 400u);
    EXPECT_EQ(ImGui::GetCurrentContext(), caller);
  }
  EXPECT_EQ(ImGui::GetCurrentContext(), caller);
  ImGui::DestroyContext(caller);
}

// draw() throwing between NewFrame and Render: the frame is closed, and the next render of the
// same HeadlessUi starts a clean one.
TEST(FigureContext, AThrowMidFrameLeavesAUsableHeadlessUi) {
  viz::HeadlessUi ui(testing::test_context());
  EXPECT_THROW(ui.render(64, 48,
                         [] {
                           ImGui::Begin("half drawn");
                           throw std::runtime_error("mid-frame");
                         }),
               std::runtime_error);
  const viz::Image image = ui.render(64, 48, [] {
    ImGui::Begin("whole");
    ImGui::TextUnformatted("ok");
    ImGui::End();
  });
  EXPECT_EQ(image.width, 64u);
  EXPECT_EQ(image.rgba.size(), size_t{64} * 48 * 4);
}

}  // namespace
}  // namespace seqscope::app
