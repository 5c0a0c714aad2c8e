// ViewState: what the user looks at, not what is computed: the cursor t, the selected channel
// and head, map normalization and scale, playback. Moving any of these never recomputes.
// A session's `view` section (compute::ViewConfig) holds the same choices for saving;
// app/view_config.h converts between the two.
#pragma once
#include <string>
#include <vector>

#include "compute/session/session.h"
#include "viz/widgets/map_normalization.h"

namespace seqscope::viz {

// Which block statistic a pooled overview (L beyond a full map) shows.
enum class PooledStatistic { MaxAbs, Mean };

struct ViewState {
  int cursor = 0;   // t
  // Two models with their own tokens (Results::attention_tokens): the attention side's token
  // the user clicked, kept while it maps to the cursor (several may cover t's text); -1: none.
  int attention_pick = -1;
  int channel = 0;  // SSM channel d (hidden attention shows this one when it was computed)
  int head = 0;     // attention head
  bool all_heads = false;
  MapNormalization normalization = compute::ViewConfig{}.normalization;
  bool log_scale = compute::ViewConfig{}.log_scale;
  bool shared_scale = compute::ViewConfig{}.shared_scale;  // α and attention over one colour range
  compute::DynamicsTab dynamics_tab = compute::ViewConfig{}.tab;  // the dynamics panel's open tab
  compute::CostTab cost_tab = compute::ViewConfig{}.cost_tab;     // the cost panel's, when it has tabs
  compute::StateColorScope state_color = compute::ViewConfig{}.state_color;
  std::vector<std::string> emphasized;  // panel names outlined as a lesson step does (view.emphasize)
  PooledStatistic pooled = PooledStatistic::MaxAbs;
  bool playing = false;
  float speed = 8.0f;  // tokens per second
  bool loop = true;
  double play_accumulator = 0.0;  // seconds carried between frames while playing
};

}  // namespace seqscope::viz
