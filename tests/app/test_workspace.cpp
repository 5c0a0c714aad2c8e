// Workspace (app/workspace.h): the recompute discipline the app's liveness rests on. A slider
// drag is many edits between two frames; each update() recomputes at most once, and an update
// with nothing edited (the cursor moving, a redraw) recomputes nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "app/workspace.h"
#include "compute/backend/eigen_backend.h"
#include "gpu/check.h"

namespace seqscope::app {
namespace {

TEST(Workspace, AtMostOneRecomputePerUpdate) {
  compute::Session session;
  session.backend = compute::BackendChoice::Eigen;
  Workspace workspace(session, nullptr);  // no Vulkan: the Eigen backend
  EXPECT_TRUE(workspace.update());
  EXPECT_EQ(workspace.recompute_count(), 1);
  // A drag: many edits between two frames -> one recompute.
  for (int state = 4; state <= 16; ++state) workspace.edit().ssm.state_size = state;
  EXPECT_TRUE(workspace.update());
  EXPECT_EQ(workspace.recompute_count(), 2);
  EXPECT_EQ(workspace.results().ssm.N, 16);
  // Frames with no edit (the cursor moves in the ViewState, not the Session): no recompute.
  for (int frame = 0; frame < 10; ++frame) EXPECT_FALSE(workspace.update());
  EXPECT_EQ(workspace.recompute_count(), 2);
  EXPECT_GT(workspace.last_recompute_ms(), 0.0);
}

// A Vulkan backend whose setup fails (the device refuses a pipeline) falls back to Eigen with a
// notice; the exception used to leave update() and end the app (issue 16, fault 3).
TEST(Workspace, BackendSetupFailureFallsBackToEigenWithANotice) {
  compute::Session session;
  session.backend = compute::BackendChoice::Vulkan;
  const BackendFactory refusing = [](compute::BackendChoice, gpu::Context*,
                                     std::string*) -> std::unique_ptr<compute::Backend> {
    throw gpu::VulkanError(VK_ERROR_INITIALIZATION_FAILED, "vkCreateComputePipelines: ssm_scan_chunk.comp");
  };
  for (bool background : {false, true}) {
    SCOPED_TRACE(background ? "background" : "inline");
    Workspace workspace(session, nullptr, refusing);
    if (background) workspace.run_in_background(std::chrono::milliseconds(10000));
    bool fresh = false;
    EXPECT_NO_THROW(fresh = workspace.update());
    EXPECT_TRUE(fresh);
    ASSERT_TRUE(workspace.has_results());
    EXPECT_EQ(workspace.results().backend, "eigen");
    EXPECT_TRUE(workspace.error().empty());
    EXPECT_NE(workspace.notice().find("ssm_scan_chunk.comp"), std::string::npos) << workspace.notice();
    EXPECT_NE(workspace.notice().find("using Eigen"), std::string::npos) << workspace.notice();
  }
}

// Background recomputes (the window): update() never blocks on a long recompute, the last
// Results stay until the new ones are ready, and a drag during a recompute cancels it (its
// Results would be out of date) and queues exactly one more, of the latest session.
TEST(Workspace, BackgroundRecomputeKeepsTheLastResultsAndCoalescesEdits) {
  compute::Session session;
  session.backend = compute::BackendChoice::Eigen;
  Workspace workspace(session, nullptr);
  ASSERT_TRUE(workspace.update());  // blocking, as the app's first frame
  workspace.run_in_background(std::chrono::milliseconds(0));
  workspace.edit().input.kind = compute::InputKind::Signal;
  workspace.edit().input.length = 4000;  // tens of ms: far longer than a wait of 0
  EXPECT_FALSE(workspace.update());
  ASSERT_TRUE(workspace.busy());
  EXPECT_EQ(workspace.busy_length(), 4000);
  EXPECT_NE(workspace.results().inputs.length(), 4000);  // still the last Results
  for (int state = 4; state <= 16; ++state) workspace.edit().ssm.state_size = state;  // a drag meanwhile
  int fresh = 0;
  for (int frame = 0; frame < 20000 && (workspace.busy() || fresh < 1); ++frame) {
    fresh += workspace.update() ? 1 : 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(fresh, 1);  // the one the drag queued; the L = 4000, N = 16 run was cancelled
  EXPECT_FALSE(workspace.busy());
  EXPECT_EQ(workspace.recompute_count(), 2);
  EXPECT_EQ(workspace.results().inputs.length(), 4000);
  EXPECT_EQ(workspace.results().ssm.N, 16);
  EXPECT_FALSE(workspace.update());
}

TEST(Workspace, BackgroundRecomputeReportsErrorsAndKeepsResults) {
  compute::Session session;
  session.backend = compute::BackendChoice::Eigen;
  Workspace workspace(session, nullptr);
  ASSERT_TRUE(workspace.update());
  workspace.run_in_background(std::chrono::milliseconds(0));
  workspace.edit().ssm.state_size = 0;  // refused before any thread starts
  EXPECT_FALSE(workspace.update());
  EXPECT_FALSE(workspace.busy());
  EXPECT_FALSE(workspace.error().empty());
  EXPECT_TRUE(workspace.has_results());
}

// Issue 20: the window refuses, as export does, a session whose Results would not fit in free
// memory: one line naming the sizes, no recompute, the previous Results kept, in the foreground
// and the background alike. Here the machine has "200 MB free" and L = 65,536 needs more.
TEST(Workspace, ASessionLargerThanFreeMemoryIsRefusedAndKeepsTheResults) {
  compute::Session session;
  session.backend = compute::BackendChoice::Eigen;
  session.input.kind = compute::InputKind::Signal;
  session.input.length = 256;
  ASSERT_GT(compute::estimate_result_bytes(session, 65536), 2e8);
  for (const bool background : {false, true}) {
    Workspace workspace(session, nullptr);
    workspace.set_free_memory_probe([] { return 2e8; });
    ASSERT_TRUE(workspace.update());
    ASSERT_TRUE(workspace.error().empty()) << workspace.error();
    if (background) workspace.run_in_background(std::chrono::milliseconds(0));
    workspace.edit().input.length = 65536;
    EXPECT_FALSE(workspace.update());
    EXPECT_FALSE(workspace.busy());
    EXPECT_EQ(workspace.recompute_count(), 1);
    EXPECT_NE(workspace.error().find("this run needs about "), std::string::npos) << workspace.error();
    EXPECT_NE(workspace.error().find(" are free: shorten the input"), std::string::npos) << workspace.error();
    EXPECT_EQ(workspace.error().find('\n'), std::string::npos);
    EXPECT_EQ(workspace.results().inputs.length(), session.input.length);
    workspace.edit().input.length = session.input.length;  // back to what fits: runs again
    ASSERT_TRUE(background || workspace.update());
    if (background) {
      for (int i = 0; i < 2000 && !workspace.update(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_TRUE(workspace.error().empty()) << workspace.error();
    EXPECT_EQ(workspace.recompute_count(), 2);
  }
}

}  // namespace
}  // namespace seqscope::app
