// When the window draws (app/redraw_policy.h): after input for a few frames, while something
// moves, once a second when idle, and every time round in scripted runs.
#include <gtest/gtest.h>

#include <cmath>

#include "app/redraw_policy.h"

namespace seqscope::app {
namespace {

// Frames drawn in `seconds` of a loop that comes round every 10 ms, with no input.
int frames_in(RedrawPolicy& policy, double& now, double seconds, bool moving) {
  int drawn = 0;
  for (long i = 0; i < std::lround(seconds / 0.01); ++i, now += 0.01)
    if (policy.should_draw(0, moving, now)) ++drawn;
  return drawn;
}

TEST(RedrawPolicy, IdleDrawsTheFirstFramesThenOnceASecond) {
  RedrawPolicy policy(false);
  double now = 0.0;
  // The first frames (the window opening, at 0, 0.01 and 0.02 s), then one a second after the
  // last: at 1.02 and 2.02 s.
  EXPECT_EQ(frames_in(policy, now, 3.0, false), RedrawPolicy::k_settle_frames + 2);
  EXPECT_NEAR(policy.wait_seconds(false, 2.52), 0.5, 1e-9);
}

TEST(RedrawPolicy, InputDrawsTheNextFramesThenStops) {
  RedrawPolicy policy(false);
  double now = 0.0;
  frames_in(policy, now, 0.5, false);
  ASSERT_FALSE(policy.should_draw(0, false, now += 0.01));
  EXPECT_GT(policy.wait_seconds(false, now), 0.0);
  EXPECT_TRUE(policy.should_draw(2, false, now += 0.01));  // a mouse move
  EXPECT_EQ(policy.wait_seconds(false, now), 0.0);           // settling: no sleep
  for (int i = 1; i < RedrawPolicy::k_settle_frames; ++i) EXPECT_TRUE(policy.should_draw(0, false, now += 0.01));
  EXPECT_FALSE(policy.should_draw(0, false, now += 0.01));
}

TEST(RedrawPolicy, SomethingMovingDrawsEveryFrame) {
  RedrawPolicy policy(false);
  double now = 0.0;
  frames_in(policy, now, 0.5, false);
  EXPECT_EQ(frames_in(policy, now, 1.0, true), 100);
  EXPECT_EQ(policy.wait_seconds(true, now), 0.0);
}

TEST(RedrawPolicy, AlwaysDrawsEveryTimeRound) {
  RedrawPolicy policy(true);
  double now = 0.0;
  EXPECT_EQ(frames_in(policy, now, 1.0, false), 100);
  EXPECT_EQ(policy.wait_seconds(false, now), 0.0);
}

}  // namespace
}  // namespace seqscope::app
