// How L x L maps (attention probs, hidden attention α) are scaled for display: one table of
// names and labels, and one implementation of the arithmetic, used by the GPU upload (whole
// maps), the hover tooltips (one cell) and the PNG metadata (the key).
//
//   MapNormalization            raw | each row over its sum of |x| | min-max of |x| per map
//   k_map_normalizations        key (JSON), labels for menus, combos and α tooltips
//   scale_map_value             the arithmetic for one value, given the row sum / map range
//   normalize_maps              every map of [M, rows, cols]
//   normalized_cell             one cell of one [rows, cols] map
#pragma once
#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "compute/session/session_schema.h"
#include "core/types.h"

namespace seqscope::viz {

using compute::MapNormalization;  // a session's view.normalization (compute/session/session.h)

struct MapNormalizationInfo {
  MapNormalization value;
  std::string_view key;    // view.normalization in a session: "raw", "row", "minmax_abs"
  const char* short_label; // a narrow combo box
  const char* label;       // menus and combo entries
  const char* alpha_label; // hidden attention tooltips
};

inline constexpr std::array<MapNormalizationInfo, 3> k_map_normalizations{{
    {MapNormalization::Raw, compute::schema::enum_name(MapNormalization::Raw), "raw", "raw", "raw"},
    {MapNormalization::RowNormalized, compute::schema::enum_name(MapNormalization::RowNormalized), "row-norm",
     "row-normalized |·|", "row-normalized |α|"},
    {MapNormalization::MinMaxAbs, compute::schema::enum_name(MapNormalization::MinMaxAbs), "min-max",
     "min-max of |·| per map", "min-max |α|"},
}};

const MapNormalizationInfo& map_normalization_info(MapNormalization normalization);

// The smallest and largest |x| of one map (what MinMaxAbs scales by).
struct AbsRange {
  float lo = 0.0f, hi = 0.0f;
};
AbsRange abs_range(const float* map, int64_t count);

// x as displayed. row_abs_sum: Σ_c |x[r, c]| of x's row (RowNormalized); range: the map's
// (MinMaxAbs). Raw returns x.
float scale_map_value(float x, double row_abs_sum, AbsRange range, MapNormalization normalization);

// Every map of maps [M, rows, cols] as displayed (a tensor of another rank is copied raw).
std::vector<float> normalize_maps(const compute::Tensor& maps, MapNormalization normalization);

// Cell (r, c) of map [rows, cols] as displayed; `range` is the map's abs_range (passed in so
// that hovering costs O(cols), not O(rows * cols)).
float normalized_cell(const float* map, int64_t cols, int64_t r, int64_t c, AbsRange range,
                      MapNormalization normalization);

}  // namespace seqscope::viz
