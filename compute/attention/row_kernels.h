// Row kernels of the Eigen backend's attention: one pass per operation over a row that stays in
// L1, with Eigen's packet math (any SIMD width; simd_exp.h's exp on AVX-512), and the writes of
// full map rows past the cache: this op writes the maps once and never reads them back.
#pragma once
#include <cstdint>

namespace seqscope::compute {

// x[0, n) *= scale, then x[i] -= slope * |t - (first + i)| when slope != 0 (ALiBi); returns
// max x. x becomes the row's scores as the Scores panel shows them.
float scale_bias_max(float* x, int64_t n, float scale, double slope, int64_t t, int64_t first);

// p[0, n) = exp(x - x_max); returns 1 / sum p (the sum taken in double, up to L terms), or 0
// for n = 0: the factor that makes p a softmax.
float exp_minus_max(const float* x, float* p, int64_t n, float x_max);

// row[0, L) = fill, except row[c0, c1) = factor values[0, c1 - c0), with non-temporal stores where
// the CPU has them (no read for ownership): a row of a full map, written once from a block that
// was computed in cache.
void stream_row(float* row, int64_t L, const float* values, int64_t c0, int64_t c1, float fill, float factor);

}  // namespace seqscope::compute
