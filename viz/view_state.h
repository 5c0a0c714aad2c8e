// ViewState: what the user looks at, not what is computed: the cursor t, the selected channel
// and head, map normalization and scale, playback. Moving any of these never recomputes.
#pragma once

namespace seqscope::viz {

// How L x L maps (attention probs, hidden attention alpha) are scaled for display.
enum class MapNormalization { Raw, RowNormalized, MinMaxAbs };
// Which block statistic a pooled overview (L beyond a full map) shows.
enum class PooledStatistic { MaxAbs, Mean };

struct ViewState {
  int cursor = 0;   // t
  int channel = 0;  // SSM channel d (hidden attention shows this one when it was computed)
  int head = 0;     // attention head
  bool all_heads = false;
  MapNormalization normalization = MapNormalization::RowNormalized;
  bool log_scale = false;
  PooledStatistic pooled = PooledStatistic::MaxAbs;
  bool playing = false;
  float speed = 8.0f;  // tokens per second
  bool loop = true;
  double play_accumulator = 0.0;  // seconds carried between frames while playing
};

}  // namespace seqscope::viz
