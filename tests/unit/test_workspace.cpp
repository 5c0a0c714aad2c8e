// Workspace (app/workspace.h): the recompute discipline the app's liveness rests on. A slider
// drag is many edits between two frames; each update() recomputes at most once, and an update
// with nothing edited (the cursor moving, a redraw) recomputes nothing.
#include <gtest/gtest.h>

#include "app/workspace.h"

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

}  // namespace
}  // namespace seqscope::app
