#include "viz/widgets/map_normalization.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace seqscope::viz {
namespace {

double row_abs_sum(const float* row, int64_t cols) {
  double sum = 0.0;
  for (int64_t c = 0; c < cols; ++c) sum += std::abs(row[c]);
  return sum;
}

}  // namespace

const MapNormalizationInfo& map_normalization_info(MapNormalization normalization) {
  for (const auto& info : k_map_normalizations)
    if (info.value == normalization) return info;
  return k_map_normalizations[0];
}

AbsRange abs_range(const float* map, int64_t count) {
  AbsRange range{std::numeric_limits<float>::max(), 0.0f};
  for (int64_t i = 0; i < count; ++i) {
    range.lo = std::min(range.lo, std::abs(map[i]));
    range.hi = std::max(range.hi, std::abs(map[i]));
  }
  return range;
}

float scale_map_value(float x, double row_abs_sum, AbsRange range, MapNormalization normalization) {
  switch (normalization) {
    case MapNormalization::Raw:
      return x;
    case MapNormalization::RowNormalized:
      return row_abs_sum > 0.0 ? static_cast<float>(std::abs(x) / row_abs_sum) : 0.0f;
    case MapNormalization::MinMaxAbs:
      return range.hi > range.lo ? (std::abs(x) - range.lo) / (range.hi - range.lo) : 0.0f;
  }
  return x;
}

std::vector<float> normalize_maps(const compute::Tensor& maps, MapNormalization normalization) {
  std::vector<float> out(maps.data.begin(), maps.data.end());
  if (normalization == MapNormalization::Raw || maps.rank() != 3) return out;
  const int64_t count = maps.shape[0], rows = maps.shape[1], cols = maps.shape[2];
  for (int64_t m = 0; m < count; ++m) {
    float* map = out.data() + m * rows * cols;
    const AbsRange range = normalization == MapNormalization::MinMaxAbs ? abs_range(map, rows * cols) : AbsRange{};
    for (int64_t r = 0; r < rows; ++r) {
      float* row = map + r * cols;
      const double sum = normalization == MapNormalization::RowNormalized ? row_abs_sum(row, cols) : 0.0;
      for (int64_t c = 0; c < cols; ++c) row[c] = scale_map_value(row[c], sum, range, normalization);
    }
  }
  return out;
}

float normalized_cell(const float* map, int64_t cols, int64_t r, int64_t c, AbsRange range,
                      MapNormalization normalization) {
  const float* row = map + r * cols;
  const double sum = normalization == MapNormalization::RowNormalized ? row_abs_sum(row, cols) : 0.0;
  return scale_map_value(row[c], sum, range, normalization);
}

}  // namespace seqscope::viz
