// Transport: play/pause, step ±1, start/end, scrub slider, speed (tokens/s), loop, and the
// keyboard (Space, ←/→, Home/End, +/−). Moves only ViewState::cursor: never a recompute.
#pragma once
#include "viz/widgets/view_state.h"

namespace seqscope::viz {

class TransportPanel {
 public:
  // Draws the controls on one line for a sequence of `length` positions.
  void draw(ViewState& view, int length);
  // Keyboard shortcuts (when no text field has focus); call once per frame.
  static void handle_keys(ViewState& view, int length);
  // Advances the cursor while playing; dt_seconds since the last frame.
  static void advance(ViewState& view, int length, double dt_seconds);
};

}  // namespace seqscope::viz
