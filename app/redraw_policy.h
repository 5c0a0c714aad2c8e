// RedrawPolicy: whether the window's loop draws a frame this time round, and how long it may
// sleep waiting for input otherwise. A frame is drawn when something changed: input or a window
// event (then a few more frames, in which ImGui opens popups and settles sizes and hover), or
// something moving on screen (a playing cursor, a running job). Otherwise the loop sleeps until
// input arrives, drawing one frame a second so that a clock or a late result still shows.
// `always` (scripted runs with --frames) draws every time round.
#pragma once

namespace seqscope::app {

class RedrawPolicy {
 public:
  static constexpr int k_settle_frames = 3;        // frames drawn after the last input event
  static constexpr double k_idle_refresh_s = 1.0;  // the longest time without a frame

  explicit RedrawPolicy(bool always) : always_(always) {}
  bool always() const { return always_; }

  // input_events: delivered since the last call; moving: something changes on screen by itself;
  // now_s: a steady clock in seconds. Counts the frame as drawn when it returns true.
  bool should_draw(int input_events, bool moving, double now_s);
  // How long the loop may wait for input before calling should_draw again: 0 when a frame is
  // due now (input is still settling, something moves, or `always`).
  double wait_seconds(bool moving, double now_s) const;

 private:
  bool always_;
  int settle_frames_ = k_settle_frames;  // the first frames draw as if after input
  double last_frame_s_ = -1e300;
};

}  // namespace seqscope::app
