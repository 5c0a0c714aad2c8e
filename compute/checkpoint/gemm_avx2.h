// out = x w^T for row-major x [L, k] and w [n, k] with AVX2 + FMA, chosen at run time. The
// default build is -march=native (SEQSCOPE_NATIVE), where Eigen already uses the CPU's widest
// vectors; with SEQSCOPE_NATIVE=OFF the build targets baseline x86-64 (SSE2), where Eigen's
// products run at a third of the speed and this kernel keeps real models fast. It is plain
// intrinsics (no Eigen inside), so no template is compiled for two ISAs.
#pragma once
#include <cstdint>

namespace seqscope::compute::checkpoint {

// True when this CPU has AVX2 and FMA and SEQSCOPE_NO_AVX2 is unset (checked once).
bool gemm_avx2_available();

// Rows [n_begin, n_end) of w: out[t, j] = sum_k x[t, k] w[j, k], for t < L. Strides in floats.
void gemm_nt_avx2(const float* x, int64_t x_stride, int64_t L, const float* w, int64_t w_stride, int64_t k,
                  int64_t n_begin, int64_t n_end, float* out, int64_t out_stride);

}  // namespace seqscope::compute::checkpoint
