// Transport: play/pause, step ±1, start/end, scrub slider, speed (tokens/s), loop, and the
// keyboard (Space, ←/→, Home/End, +/−). Moves only ViewState::cursor: never a recompute.
#pragma once
#include "viz/widgets/view_state.h"

namespace seqscope::viz {

// Arrow-key presses (and their auto-repeats) counted between two frames by the window's key
// callback: ImGui 1.86 keeps only whether a key is down at each frame, so two taps within one
// frame were one step, and a tap shorter than a frame none (issue 20).
struct KeyTaps {
  bool queued = false;  // the window counts presses (else: ImGui's key state)
  int right = 0, left = 0;
};

class TransportPanel {
 public:
  // Draws the controls on one line for a sequence of `length` positions.
  void draw(ViewState& view, int length);
  // Keyboard shortcuts (when no text field has focus); call once per frame. taps: the arrow
  // presses the window queued since the last frame (each counts, also two within one frame);
  // without a queue (taps.queued false) ImGui's per-frame key state is used.
  static void handle_keys(ViewState& view, int length, const KeyTaps& taps = {});
  // Advances the cursor while playing; dt_seconds since the last frame.
  static void advance(ViewState& view, int length, double dt_seconds);
};

}  // namespace seqscope::viz
