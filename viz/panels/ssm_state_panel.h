// SsmStatePanel ("ssm_state"): the hidden state h_t. A D x N map of h at the cursor t, the
// N x L trajectory of the selected channel with the cursor, and ‖h_t‖ over t. Both maps share
// one diverging scale, max |h| over the whole trajectory, so growth and decay stay visible
// while the user steps. Clicking a row of the D x N map selects that channel; clicking the
// trajectory or the norm plot moves the cursor.
#pragma once
#include <vector>

#include "viz/panels/panel.h"

namespace seqscope::viz {

class SsmStatePanel : public Panel {
 public:
  PanelId id() const override { return PanelId::SsmState; }
  void draw(PanelContext& context) override;

  // Where the last draw put its maps, in screen pixels (tests sample colors there).
  struct Rects {
    ImVec2 state_min, state_max;            // D x N map at t
    ImVec2 trajectory_min, trajectory_max;  // N x L map of the selected channel
  };
  const Rects& last_rects() const { return rects_; }

 private:
  void draw_header(PanelContext& context);
  void draw_controls(PanelContext& context, float right_x);
  void draw_maps(PanelContext& context, float height);
  void draw_norms(PanelContext& context, float height);
  void update_norms(const compute::SsmResults& ssm, int channel);

  // ‖h_t‖ over t, recomputed only when the Results or the channel change: [L] each.
  const void* norms_key_ = nullptr;
  int norms_channel_ = -1;
  std::vector<float> channel_norms_, total_norms_;
  float channel_max_abs_ = 0.0f;  // max |Re h[t, d, n]| of the selected channel (view.state_color)
  Rects rects_;
};

}  // namespace seqscope::viz
