// Row kernels (row_kernels.h). Whole packets go through Eigen's packet functions (pexp is the
// exp that Eigen's array .exp() uses); the last n % P entries go through the scalar ones.
#include "row_kernels.h"

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

void softmax_from_max(const float* x, float* p, int64_t n, float x_max) {
  using namespace Eigen::internal;
  const int64_t whole = whole_packets(n);
  const Packet m = pset1<Packet>(x_max);
  double sum = 0.0;
  for (int64_t i = 0; i < whole; i += kLanes) {
    const Packet e = pexp(psub(ploadu<Packet>(x + i), m));
    pstoreu(p + i, e);
    sum += static_cast<double>(predux(e));  // a packet's lanes in float, packets in double
  }
  for (int64_t i = whole; i < n; ++i) sum += p[i] = std::exp(x[i] - x_max);
  const float inv = static_cast<float>(1.0 / sum);
  const Packet inv_p = pset1<Packet>(inv);
  for (int64_t i = 0; i < whole; i += kLanes) pstoreu(p + i, pmul(ploadu<Packet>(p + i), inv_p));
  for (int64_t i = whole; i < n; ++i) p[i] *= inv;
}

void stream_fill(float* p, int64_t n, float value) {
  int64_t i = 0;
#if defined(__AVX512F__)
  for (; i < n && reinterpret_cast<uintptr_t>(p + i) % 64 != 0; ++i) p[i] = value;
  const __m512 v = _mm512_set1_ps(value);
  for (; i + 16 <= n; i += 16) _mm512_stream_ps(p + i, v);
  _mm_sfence();  // the streamed stores are ordered before whatever this thread writes next
#endif
  std::fill(p + i, p + n, value);
}

}  // namespace seqscope::compute
