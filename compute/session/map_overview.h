// Map overviews: when an [L, L] map (attention probs, hidden attention α) is too large to keep
// whole, the backends pool it to [P, P] with P = min(L, 1024) and keep two views of each block:
// the largest |value| and the mean value (cells the mask or causality removes count as 0).
// Bins are contiguous index ranges of nearly equal size: bin b covers [b*L/P, (b+1)*L/P).
// The panels draw the pooled map and the exact row of the current query, which the row
// functions of attention.h and hidden_attention.h compute from the Results on demand.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "compute/session/session.h"
#include "core/types.h"

namespace seqscope::compute {

inline constexpr int kOverviewMaxSize = 1024;
// Longest L whose [L, L] maps are kept whole: one float map then fits 128 MiB, lavapipe's
// maxStorageBufferRange, so both backends switch to overviews at the same L.
inline constexpr int kMaxFullMapLength = 5792;

// Bytes of one [M, L, L] stack of maps (all heads, or all requested channels) kept whole.
inline constexpr int64_t kMaxMapBufferBytes = int64_t{128} << 20;
// Whether this session's maps are pooled overviews: L > session.full_map_max_length, or the
// heads' (or channels') maps together exceed kMaxMapBufferBytes (so H = 2 pools from L = 4097).
bool maps_pooled(const Session& session, int L);
// P for a pooled map of side L.
int overview_size(int L);
// First index of bin b (b = P gives L).
inline int bin_begin(int b, int L, int P) { return static_cast<int>(int64_t{b} * L / P); }
// The bin holding index i.
inline int bin_of(int i, int L, int P) {
  int b = static_cast<int>((int64_t{i} * P + P - 1) / L);  // a first guess, corrected below
  while (b > 0 && bin_begin(b, L, P) > i) --b;
  while (b + 1 < P && bin_begin(b + 1, L, P) <= i) ++b;
  return b;
}

// M pooled maps of side L: max_abs and mean are [M, P, P].
struct MapOverview {
  int L = 0, P = 0;
  Tensor max_abs;
  Tensor mean;
  bool empty() const { return P == 0; }
};
MapOverview make_overview(int maps, int L);

// Pools one line of a map (a row for attention, a column for hidden attention) into P bins:
// lines of the same bin accumulate into one PooledLine, which then stores a row or a column of
// the overview. Entries never added count as 0.
class PooledLine {
 public:
  PooledLine(int L, int P) : L_(L), P_(P), max_(static_cast<size_t>(P), 0.0f), sum_(static_cast<size_t>(P), 0.0) {}
  // values: [count], the entries first .. first + count - 1 of one line.
  void add(const float* values, int first, int count);
  // Bin b's entries of one or more lines, already pooled: their largest |value| and their sum.
  void add_to_bin(int b, float max_abs, double sum) {
    max_[static_cast<size_t>(b)] = std::max(max_[static_cast<size_t>(b)], max_abs);
    sum_[static_cast<size_t>(b)] += sum;
  }
  int size() const { return P_; }
  // Overview m, pooled row b: the line's bins are the key bins.
  void store_row(MapOverview& overview, int m, int b) const;
  // Overview m, pooled column j: the line's bins are the query bins.
  void store_column(MapOverview& overview, int m, int j) const;
  void clear();

 private:
  int L_, P_;
  std::vector<float> max_;
  std::vector<double> sum_;
};

}  // namespace seqscope::compute
