// Matrix products of real-model layers on every core: the weight matrix is split into column
// blocks that the process-wide pool (core/parallel.h) hands out, so each core streams its own
// share of the weights (these products are bound by reading the weights, 2 GFLOP per layer of
// mamba-130m at 256 tokens). Eigen itself never starts threads (EIGEN_DONT_PARALLELIZE).
#pragma once
#include <algorithm>

#include "compute/checkpoint/gemm_avx2.h"
#include "core/parallel.h"
#include "core/types.h"

namespace seqscope::compute::checkpoint {

// x: [L, in], w: [out, in] (nn.Linear, contiguous rows) -> x w^T: [L, out]
inline Matrix matmul_nt(const Eigen::Ref<const Matrix>& x, const Eigen::Map<const Matrix>& w) {
  Matrix out(x.rows(), w.rows());
  const Eigen::Index n = w.rows(), blocks = 16;
  const bool avx2 = gemm_avx2_available();
  compute::parallel_for(blocks, 1, [&](int64_t first, int64_t last, int) {
    for (Eigen::Index b = first; b < last; ++b) {
      const Eigen::Index begin = n * b / blocks, end = n * (b + 1) / blocks;
      if (end <= begin) continue;
      if (avx2)
        gemm_nt_avx2(x.data(), x.outerStride(), x.rows(), w.data(), w.cols(), w.cols(), begin, end, out.data(), out.cols());
      else
        out.middleCols(begin, end - begin).noalias() = x * w.middleRows(begin, end - begin).transpose();
    }
  });
  return out;
}

// x: [L, in], w: [in, out] (GPT-2's Conv1D) -> x w: [L, out]
template <typename W>
Matrix matmul_nn(const Eigen::Ref<const Matrix>& x, const W& w) {
  Matrix out(x.rows(), w.cols());
  const Eigen::Index n = w.cols(), blocks = 16;
  compute::parallel_for(blocks, 1, [&](int64_t first, int64_t last, int) {
    for (Eigen::Index b = first; b < last; ++b) {
      const Eigen::Index begin = n * b / blocks, end = n * (b + 1) / blocks;
      if (end > begin) out.middleCols(begin, end - begin).noalias() = x * w.middleCols(begin, end - begin);
    }
  });
  return out;
}

}  // namespace seqscope::compute::checkpoint
