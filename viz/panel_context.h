// PanelContext: what every panel's draw() gets: the Results of the last recompute (CPU), their
// GPU copies for heatmaps, the heatmap renderer, and the ViewState it may change (cursor,
// channel, head...). A panel never recomputes and never edits the Session.
#pragma once
#include "compute/results.h"
#include "viz/gpu_results.h"
#include "viz/heatmap.h"
#include "viz/view_state.h"

namespace seqscope::viz {

struct PanelContext {
  const compute::Results& results;
  const GpuResults& gpu;
  HeatmapRenderer& heatmaps;
  ViewState& view;
  // Set by a panel when the user changed how maps are normalized (the app re-uploads them).
  bool maps_dirty = false;
};

// Panel names as used by `seqscope export --panel NAME`.
inline constexpr const char* k_panel_names[] = {"tokens", "ssm_state", "ssm_dynamics", "attention",
                                                "hidden_attention", "outputs", "cost"};

}  // namespace seqscope::viz
