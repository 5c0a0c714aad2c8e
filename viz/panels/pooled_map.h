// Shared by the attention and hidden-attention panels for maps that may be pooled overviews
// (compute/session/map_overview.h): the cell <-> index geometry, the note and statistic selector shown
// above a pooled map, and a cache of the exact row of the current query.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "compute/session/map_overview.h"
#include "viz/widgets/view_state.h"

namespace seqscope::viz {

// Rows and columns of a shown map: L x L, or P x P bins of a pooled overview.
struct MapGeometry {
  int L = 0;
  int P = 0;  // 0: the full map
  bool pooled() const { return P > 0; }
  int side() const { return pooled() ? P : L; }
  // Sequence indices [first(cell), last(cell)] a displayed row or column covers.
  int first(int cell) const { return pooled() ? compute::bin_begin(cell, L, P) : cell; }
  int last(int cell) const { return pooled() ? compute::bin_begin(cell + 1, L, P) - 1 : cell; }
  int cell_of(int index) const { return pooled() ? compute::bin_of(index, L, P) : index; }
};
MapGeometry map_geometry(int L, const compute::MapOverview& overview);

// "t = 64..127" or "t = 64" when the cell holds one index.
std::string index_span(const char* name, const MapGeometry& g, int cell);

// The line above a pooled map: why it is pooled, the block size, and a selector for the block
// statistic (max |x| or mean); returns true when the statistic changed (re-upload the maps).
bool pooled_map_note(const MapGeometry& g, ViewState& view, const char* id);

// The exact row of the current query next to an overview, recomputed only when the results
// (GpuResults::generation), the map (head or channel) or t change.
class ExactRowCache {
 public:
  const std::vector<float>& get(uint64_t generation, int map, int t, const std::function<std::vector<float>()>& compute);

 private:
  uint64_t generation_ = ~uint64_t{0};
  int map_ = -1, t_ = -1;
  std::vector<float> row_;
};

}  // namespace seqscope::viz
