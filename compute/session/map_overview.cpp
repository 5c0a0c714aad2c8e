// Map overviews (see map_overview.h).
#include "compute/session/map_overview.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

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

namespace {

// max |x| and sum x of x[0, n), folded into max_abs and sum. With AVX-512: 16 floats at a time,
// widened to two packets of 8 doubles for the sum (no horizontal sum per packet); the rest (and
// other CPUs) one at a time.
void max_abs_and_sum(const float* x, int n, float& max_abs, double& sum) {
  int i = 0;
#if defined(__AVX512F__) && defined(__AVX512DQ__)
  if (n >= 16) {
    __m512 m = _mm512_set1_ps(max_abs);
    __m512d sum_lo = _mm512_setzero_pd(), sum_hi = _mm512_setzero_pd();
    for (; i + 16 <= n; i += 16) {
      const __m512 v = _mm512_loadu_ps(x + i);
      m = _mm512_max_ps(m, _mm512_abs_ps(v));
      // zero-masking forms: GCC 12 warns on the plain ones' undefined lanes (bug 105593)
      sum_lo = _mm512_add_pd(sum_lo, _mm512_maskz_cvtps_pd(0xFF, _mm512_castps512_ps256(v)));
      sum_hi = _mm512_add_pd(sum_hi, _mm512_maskz_cvtps_pd(0xFF, _mm512_maskz_extractf32x8_ps(0xFF, v, 1)));
    }
    alignas(64) float max_lanes[16];
    alignas(64) double sum_lanes[8];
    _mm512_store_ps(max_lanes, m);
    _mm512_store_pd(sum_lanes, _mm512_add_pd(sum_lo, sum_hi));
    for (float lane : max_lanes) max_abs = std::max(max_abs, lane);
    for (double lane : sum_lanes) sum += lane;
  }
#endif
  for (; i < n; ++i) {
    max_abs = std::max(max_abs, std::abs(x[i]));
    sum += static_cast<double>(x[i]);
  }
}

}  // namespace

void PooledLine::add(const float* values, int first, int count) {
  const int last = first + count;  // one past the end
  for (int b = bin_of(first, L_, P_); b < P_ && bin_begin(b, L_, P_) < last; ++b) {
    const int lo = std::max(first, bin_begin(b, L_, P_)), hi = std::min(last, bin_begin(b + 1, L_, P_));
    max_abs_and_sum(values + (lo - first), hi - lo, max_[static_cast<size_t>(b)], sum_[static_cast<size_t>(b)]);
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
