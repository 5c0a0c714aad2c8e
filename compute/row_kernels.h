// Row kernels of the Eigen backend's attention: one pass per operation over a row that stays in
// L1, with Eigen's packet math (any SIMD width), and a fill that bypasses the cache for the
// masked parts of the full maps, which this op writes and never reads back.
#pragma once
#include <cstdint>

namespace seqscope::compute {

// x[0, n) *= scale, then x[i] -= slope * |t - (first + i)| when slope != 0 (ALiBi); returns
// max x. x becomes the row's scores as the Scores panel shows them.
float scale_bias_max(float* x, int64_t n, float scale, double slope, int64_t t, int64_t first);

// p[0, n) = exp(x - x_max) / sum, with the sum taken in double (up to L terms).
void softmax_from_max(const float* x, float* p, int64_t n, float x_max);

// p[0, n) = value, with non-temporal stores where the CPU has them (no read for ownership).
void stream_fill(float* p, int64_t n, float value);

}  // namespace seqscope::compute
