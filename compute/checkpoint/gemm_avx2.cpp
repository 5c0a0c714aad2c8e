// The AVX2 + FMA kernel: a 2 x 4 register block (2 rows of x against 4 rows of w, 8 floats of k
// per step). The outer loop walks w once (it streams from memory); x stays in cache.
#include "compute/checkpoint/gemm_avx2.h"

#include <immintrin.h>

#include <cstdlib>

namespace seqscope::compute::checkpoint {
namespace {

__attribute__((target("avx2,fma"))) inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_hadd_ps(s, s);
  s = _mm_hadd_ps(s, s);
  return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma"))) float dot(const float* a, const float* b, int64_t k) {
  __m256 acc = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 8 <= k; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc);
  float sum = hsum(acc);
  for (; i < k; ++i) sum += a[i] * b[i];
  return sum;
}

}  // namespace

bool gemm_avx2_available() {
  // SEQSCOPE_NO_AVX2=1 forces the portable Eigen path (the tests compare both with NumPy).
  static const bool available = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                                std::getenv("SEQSCOPE_NO_AVX2") == nullptr;
  return available;
}

__attribute__((target("avx2,fma"))) void gemm_nt_avx2(const float* x, int64_t x_stride, int64_t L, const float* w,
                                                      int64_t w_stride, int64_t k, int64_t n_begin, int64_t n_end,
                                                      float* out, int64_t out_stride) {
  const int64_t k8 = k - k % 8;
  int64_t j = n_begin;
  for (; j + 4 <= n_end; j += 4) {
    const float* w0 = w + j * w_stride;
    const float* w1 = w0 + w_stride;
    const float* w2 = w1 + w_stride;
    const float* w3 = w2 + w_stride;
    int64_t t = 0;
    for (; t + 2 <= L; t += 2) {
      const float* x0 = x + t * x_stride;
      const float* x1 = x0 + x_stride;
      __m256 a00 = _mm256_setzero_ps(), a01 = a00, a02 = a00, a03 = a00;
      __m256 a10 = a00, a11 = a00, a12 = a00, a13 = a00;
      for (int64_t i = 0; i < k8; i += 8) {
        const __m256 u0 = _mm256_loadu_ps(x0 + i), u1 = _mm256_loadu_ps(x1 + i);
        __m256 v = _mm256_loadu_ps(w0 + i);
        a00 = _mm256_fmadd_ps(u0, v, a00);
        a10 = _mm256_fmadd_ps(u1, v, a10);
        v = _mm256_loadu_ps(w1 + i);
        a01 = _mm256_fmadd_ps(u0, v, a01);
        a11 = _mm256_fmadd_ps(u1, v, a11);
        v = _mm256_loadu_ps(w2 + i);
        a02 = _mm256_fmadd_ps(u0, v, a02);
        a12 = _mm256_fmadd_ps(u1, v, a12);
        v = _mm256_loadu_ps(w3 + i);
        a03 = _mm256_fmadd_ps(u0, v, a03);
        a13 = _mm256_fmadd_ps(u1, v, a13);
      }
      float* o0 = out + t * out_stride + j;
      float* o1 = o0 + out_stride;
      const float* ws[4] = {w0, w1, w2, w3};
      const __m256 acc0[4] = {a00, a01, a02, a03}, acc1[4] = {a10, a11, a12, a13};
      for (int c = 0; c < 4; ++c) {
        float s0 = hsum(acc0[c]), s1 = hsum(acc1[c]);
        for (int64_t i = k8; i < k; ++i) {  // k not a multiple of 8
          s0 += x0[i] * ws[c][i];
          s1 += x1[i] * ws[c][i];
        }
        o0[c] = s0;
        o1[c] = s1;
      }
    }
    for (; t < L; ++t)  // odd L: the last row alone
      for (int c = 0; c < 4; ++c) out[t * out_stride + j + c] = dot(x + t * x_stride, w + (j + c) * w_stride, k);
  }
  for (; j < n_end; ++j)  // rows of w past the last block of 4
    for (int64_t t = 0; t < L; ++t) out[t * out_stride + j] = dot(x + t * x_stride, w + j * w_stride, k);
}

}  // namespace seqscope::compute::checkpoint
