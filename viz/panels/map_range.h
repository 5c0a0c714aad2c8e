// Colour ranges of the panels' heatmaps: one MapRange type (colormap, [lo, hi], log) and the
// rules that make it from a tensor's statistics, for state and dynamics maps (signed_range,
// range_for), hidden attention α (alpha_range), attention probs (attention_map_range), and both
// maps over one range (shared_map_range, the view's shared_scale).
#pragma once
#include "viz/render/gpu_results.h"
#include "viz/widgets/colormap.h"
#include "viz/widgets/map_normalization.h"

namespace seqscope::viz {

// How values map to colors: colormap and [lo, hi] (log10 units when log_scale).
struct MapRange {
  Colormap colormap = Colormap::Viridis;
  float lo = 0.0f, hi = 1.0f;
  bool log_scale = false;
};

inline constexpr float k_log_decades = 4.0f;  // a log map shows this many decades below its maximum

// Signed data: Diverging, white at 0, [-max_abs, +max_abs] (a degenerate range becomes ±1).
MapRange signed_range(float max_abs);
// Data with min >= 0: Viridis [0, max]; otherwise signed_range.
MapRange range_for(float min, float max);
// α maps: raw -> signed (α is signed); row-normalized and min-max |α| -> Viridis [0, 1];
// log_scale -> Viridis over log10 |x|, the 4 decades below the largest |x|.
MapRange alpha_range(MapNormalization normalization, bool log_scale, float max_abs);
// Colormap and range of the probs maps from the uploaded values' min, max and max |x|:
// Viridis over [min, max], or over `decades` decades below the max (log10 units) when log;
// Diverging, symmetric around 0, when some value is negative (log scale then does not apply).
MapRange attention_map_range(float min, float max, float max_abs, bool log_scale, float decades = k_log_decades);
// α and the attention probs over one range: attention_map_range over both uploaded tensors'
// values together (as displayed, after the normalization), so neither map looks richer merely
// from its own scaling. An empty tensor (no α, no attention) adds nothing.
MapRange shared_map_range(const GpuTensor& alpha, const GpuTensor& probs, bool log_scale);

}  // namespace seqscope::viz
