#include "app/redraw_policy.h"

#include <algorithm>

namespace seqscope::app {

bool RedrawPolicy::should_draw(int input_events, bool moving, double now_s) {
  if (input_events > 0) settle_frames_ = k_settle_frames;
  const bool draw = always_ || moving || settle_frames_ > 0 || now_s - last_frame_s_ >= k_idle_refresh_s;
  if (!draw) return false;
  settle_frames_ = std::max(0, settle_frames_ - 1);
  last_frame_s_ = now_s;
  return true;
}

double RedrawPolicy::wait_seconds(bool moving, double now_s) const {
  if (always_ || moving || settle_frames_ > 0) return 0.0;
  return std::max(0.0, last_frame_s_ + k_idle_refresh_s - now_s);
}

}  // namespace seqscope::app
