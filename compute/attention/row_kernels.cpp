// Row kernels (row_kernels.h). Whole packets go through Eigen's packet functions, and the exp
// through simd_exp.h's where the CPU has AVX-512 DQ (else Eigen's pexp, the exp of its array
// .exp()); the last n % P entries go through the scalar ones.
#include "compute/attention/row_kernels.h"

#include "core/simd_exp.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace seqscope::compute {

namespace {
using Packet = Eigen::internal::packet_traits<float>::type;
constexpr int64_t kLanes = Eigen::internal::packet_traits<float>::size;
int64_t whole_packets(int64_t n) {
  return n - n % kLanes;
}
}  // namespace

float scale_bias_max(float* x, int64_t n, float scale, double slope, int64_t t, int64_t first) {
  using namespace Eigen::internal;
  float x_max = -std::numeric_limits<float>::infinity();
  if (slope != 0.0) {
    for (int64_t i = 0; i < n; ++i) {
      x[i] = x[i] * scale - static_cast<float>(slope * static_cast<double>(std::abs(t - (first + i))));
      x_max = std::max(x_max, x[i]);
    }
    return x_max;
  }
  const int64_t whole = whole_packets(n);
  const Packet s = pset1<Packet>(scale);
  Packet m = pset1<Packet>(x_max);
  for (int64_t i = 0; i < whole; i += kLanes) {
    const Packet v = pmul(ploadu<Packet>(x + i), s);
    pstoreu(x + i, v);
    m = pmax(m, v);
  }
  if (whole > 0) x_max = predux_max(m);
  for (int64_t i = whole; i < n; ++i) x_max = std::max(x_max, x[i] *= scale);
  return x_max;
}

float exp_minus_max(const float* x, float* p, int64_t n, float x_max) {
  using namespace Eigen::internal;
  const int64_t whole = whole_packets(n);
  const Packet m = pset1<Packet>(x_max);
  double sum = 0.0;
#if defined(SEQSCOPE_HAS_PACKET_EXP2)
  // Each packet's 16 lanes widened into two accumulators of 8 doubles: no horizontal sum per packet.
  Packet8d sum_lo = pzero(Packet8d()), sum_hi = pzero(Packet8d());
  for (int64_t i = 0; i < whole; i += kLanes) {
    const Packet e = exp_packet(psub(ploadu<Packet>(x + i), m));
    pstoreu(p + i, e);
    sum_lo = padd(sum_lo, _mm512_maskz_cvtps_pd(0xFF, _mm512_castps512_ps256(e)));
    sum_hi = padd(sum_hi, _mm512_maskz_cvtps_pd(0xFF, _mm512_maskz_extractf32x8_ps(0xFF, e, 1)));
  }
  alignas(64) double lanes[8];  // not Eigen's predux, whose extract GCC 12 flags (bug 105593)
  pstore(lanes, padd(sum_lo, sum_hi));
  for (double lane : lanes) sum += lane;
#else
  for (int64_t i = 0; i < whole; i += kLanes) {
    const Packet e = pexp(psub(ploadu<Packet>(x + i), m));
    pstoreu(p + i, e);
    sum += static_cast<double>(predux(e));  // a packet's lanes in float, packets in double
  }
#endif
  for (int64_t i = whole; i < n; ++i) sum += p[i] = std::exp(x[i] - x_max);
  return n > 0 ? static_cast<float>(1.0 / sum) : 0.0f;
}

namespace {

// p[0, n) = value, and dst[0, n) = factor src[0, n): non-temporal stores from the
// first 64-byte boundary on, plain stores before it and for the tail. No fence: callers end
// with one (end_streaming).
void stream_fill_unfenced(float* p, int64_t n, float value) {
  int64_t i = 0;
#if defined(__AVX512F__)
  for (; i < n && reinterpret_cast<uintptr_t>(p + i) % 64 != 0; ++i) p[i] = value;
  const __m512 v = _mm512_set1_ps(value);
  for (; i + 16 <= n; i += 16) _mm512_stream_ps(p + i, v);
#endif
  std::fill(p + i, p + n, value);
}

void stream_copy_unfenced(float* dst, const float* src, int64_t n, float factor) {
  int64_t i = 0;
#if defined(__AVX512F__)
  for (; i < n && reinterpret_cast<uintptr_t>(dst + i) % 64 != 0; ++i) dst[i] = src[i] * factor;
  const __m512 f = _mm512_set1_ps(factor);
  for (; i + 16 <= n; i += 16) _mm512_stream_ps(dst + i, _mm512_mul_ps(_mm512_loadu_ps(src + i), f));
#endif
  for (; i < n; ++i) dst[i] = src[i] * factor;
}

// Orders the streamed stores before whatever this thread writes next.
void end_streaming() {
#if defined(__AVX512F__)
  _mm_sfence();
#endif
}

}  // namespace

void stream_row(float* row, int64_t L, const float* values, int64_t c0, int64_t c1, float fill, float factor) {
  stream_fill_unfenced(row, c0, fill);
  stream_copy_unfenced(row + c0, values, c1 - c0, factor);
  stream_fill_unfenced(row + c1, L - c1, fill);
  end_streaming();
}

}  // namespace seqscope::compute
