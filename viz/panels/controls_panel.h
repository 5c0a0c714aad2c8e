// Controls: every Session field, editable; an edit marks the session changed and the app
// recomputes (at most once per frame). Presets and reset live in the menu bar; this panel shows
// the fields grouped as Input / SSM / Attention, with the schema's ranges.
#pragma once
#include "compute/session/session.h"

namespace seqscope::viz {

class ControlsPanel {
 public:
  // Returns true when the user changed the session this frame.
  bool draw(compute::Session& session);

 private:
  bool draw_input(compute::InputConfig& input);
  bool draw_grid(compute::GridConfig& grid);
  bool draw_ssm(compute::SsmConfig& ssm, int d_model);
  bool draw_attention(compute::AttentionConfig& attention);
};

}  // namespace seqscope::viz
