#include "viz/panels/map_range.h"

#include <algorithm>
#include <cmath>

namespace seqscope::viz {

MapRange signed_range(float max_abs) {
  const float m = std::isfinite(max_abs) && max_abs > 0.0f ? max_abs : 1.0f;
  return {Colormap::Diverging, -m, m, false};
}

MapRange range_for(float min, float max) {
  if (min < 0.0f) return signed_range(std::max(std::abs(min), std::abs(max)));
  return {Colormap::Viridis, 0.0f, max > 0.0f && std::isfinite(max) ? max : 1.0f, false};
}

MapRange alpha_range(MapNormalization normalization, bool log_scale, float max_abs) {
  const float top = normalization == MapNormalization::Raw ? max_abs : 1.0f;
  if (log_scale) {
    const float hi = top > 0.0f && std::isfinite(top) ? std::log10(top) : 0.0f;
    return {Colormap::Viridis, hi - k_log_decades, hi, true};
  }
  if (normalization == MapNormalization::Raw) return signed_range(max_abs);
  return {Colormap::Viridis, 0.0f, 1.0f, false};
}

MapRange attention_map_range(float min, float max, float max_abs, bool log_scale, float decades) {
  if (min < 0.0f) {  // signed weights (raw α, raw linear attention with the identity feature map)
    const float m = max_abs > 0.0f ? max_abs : 1.0f;
    return {Colormap::Diverging, -m, m, false};
  }
  if (log_scale) {
    const float top = max > 0.0f ? std::log10(max) : 0.0f;
    const float bottom = min > 0.0f ? std::max(std::log10(min), top - decades) : top - decades;
    return {Colormap::Viridis, bottom < top ? bottom : top - decades, top, true};
  }
  return {Colormap::Viridis, min, max > min ? max : min + 1.0f, false};
}

MapRange shared_map_range(const GpuTensor& alpha, const GpuTensor& probs, bool log_scale) {
  bool any = false;
  float min = 0.0f, max = 0.0f, max_abs = 0.0f;
  for (const GpuTensor* tensor : {&alpha, &probs}) {
    if (tensor->empty()) continue;
    min = any ? std::min(min, tensor->min) : tensor->min;
    max = any ? std::max(max, tensor->max) : tensor->max;
    max_abs = std::max(max_abs, tensor->max_abs);
    any = true;
  }
  return attention_map_range(min, max, max_abs, log_scale);
}

}  // namespace seqscope::viz
