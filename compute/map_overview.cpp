// Map overviews (see map_overview.h).
#include "map_overview.h"

namespace seqscope::compute {

bool maps_pooled(const Session& session, int L) {
  const int64_t maps = std::max<int64_t>(session.attention.heads,
                                         static_cast<int64_t>(session.ssm.hidden_attention_channels.size()));
  return L > session.full_map_max_length || maps * L * L * int64_t{sizeof(float)} > kMaxMapBufferBytes;
}

int overview_size(int L) { return std::min(L, kOverviewMaxSize); }

MapOverview make_overview(int maps, int L) {
  MapOverview o;
  o.L = L;
  o.P = overview_size(L);
  o.max_abs = Tensor({maps, o.P, o.P});
  o.mean = Tensor({maps, o.P, o.P});
  return o;
}

void PooledLine::add(const float* values, int first, int count) {
  const int last = first + count;  // one past the end
  for (int b = bin_of(first, L_, P_); b < P_ && bin_begin(b, L_, P_) < last; ++b) {
    const int lo = std::max(first, bin_begin(b, L_, P_)), hi = std::min(last, bin_begin(b + 1, L_, P_));
    const Eigen::Map<const Eigen::ArrayXf> segment(values + (lo - first), hi - lo);
    max_[static_cast<size_t>(b)] = std::max(max_[static_cast<size_t>(b)], segment.abs().maxCoeff());
    sum_[static_cast<size_t>(b)] += segment.cast<double>().sum();
  }
}

namespace {

// Cells of the pooled block (row bin b, column bin j).
double block_cells(int b, int j, int L, int P) {
  return static_cast<double>(bin_begin(b + 1, L, P) - bin_begin(b, L, P)) *
         static_cast<double>(bin_begin(j + 1, L, P) - bin_begin(j, L, P));
}

}  // namespace

void PooledLine::store_row(MapOverview& o, int m, int b) const {
  for (int j = 0; j < P_; ++j) {
    o.max_abs.at(m, b, j) = max_[static_cast<size_t>(j)];
    o.mean.at(m, b, j) = static_cast<float>(sum_[static_cast<size_t>(j)] / block_cells(b, j, L_, P_));
  }
}

void PooledLine::store_column(MapOverview& o, int m, int j) const {
  for (int b = 0; b < P_; ++b) {
    o.max_abs.at(m, b, j) = max_[static_cast<size_t>(b)];
    o.mean.at(m, b, j) = static_cast<float>(sum_[static_cast<size_t>(b)] / block_cells(b, j, L_, P_));
  }
}

void PooledLine::clear() {
  std::fill(max_.begin(), max_.end(), 0.0f);
  std::fill(sum_.begin(), sum_.end(), 0.0);
}

}  // namespace seqscope::compute
