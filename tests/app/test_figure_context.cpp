// The figure renderer draws in an ImGui context of its own beside the caller's (the window's).
// A figure that throws midway must leave the caller's context current and its own usable
// (issue 16, fault 4: the context used to be switched by hand, and a throw skipped the switch back).
#include <gtest/gtest.h>

#include <imgui.h>

#include <memory>
#include <stdexcept>
#include <vector>

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

// Issue 16, fault 5: a figure draws the Results its GPU buffers were made from. When the
// workspace recomputes while figures are open (a GIF export), each keeps drawing its own
// snapshot, CPU text and GPU maps alike, instead of new text over old maps. (The controls and
// the status bar show the live session; single-panel figures have neither.)
TEST(FigureSnapshot, ARecomputeDuringAFigureDoesNotChangeWhatItDraws) {
  compute::Session session;
  session.backend = compute::BackendChoice::Eigen;
  session.input.text = "the figure was made from this text";
  Workspace workspace(session, nullptr);
  ASSERT_TRUE(workspace.update());
  std::vector<std::unique_ptr<FigureRenderer>> figures;
  std::vector<viz::Image> before;
  for (const char* panel : {"tokens", "attention", "ssm_state", "outputs"}) {
    figures.push_back(std::make_unique<FigureRenderer>(testing::test_context(), workspace, viz::ViewState{},
                                                       FigureSpec{panel, 640, 400, 1, false}, "test device"));
    before.push_back(figures.back()->render(5));
  }
  workspace.edit().input.text = "and the workspace now holds another, longer text than before";
  ASSERT_TRUE(workspace.update());
  for (size_t f = 0; f < figures.size(); ++f) {
    const viz::Image after = figures[f]->render(5);
    ASSERT_EQ(before[f].rgba.size(), after.rgba.size());
    size_t differing = 0;
    for (size_t i = 0; i < after.rgba.size(); ++i) differing += before[f].rgba[i] != after.rgba[i];
    EXPECT_EQ(differing, 0u) << "figure " << f << " changed without being given the new Results";
  }
}

}  // namespace
}  // namespace seqscope::app
