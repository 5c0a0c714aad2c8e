// One thread runtime in the process (issue 16, fault 1): the checkpoint code used to link
// OpenMP PUBLIC, so every target above it compiled Eigen's GEMM with -fopenmp (one name, two
// definitions across translation units) and started OpenMP's threads beside the pool of
// core/parallel.h. Now nothing is built with OpenMP and Eigen never parallelizes by itself.
#include <gtest/gtest.h>

#include <Eigen/Core>

#include "compute/checkpoint/matmul.h"

namespace seqscope::compute::checkpoint {
namespace {

TEST(OneThreadPool, NothingIsBuiltWithOpenMp) {
#if defined(_OPENMP)
  ADD_FAILURE() << "this test was compiled with OpenMP: a second thread runtime beside the pool";
#endif
#if !defined(EIGEN_DONT_PARALLELIZE)
  ADD_FAILURE() << "EIGEN_DONT_PARALLELIZE is not defined: Eigen's products may start threads";
#endif
  EXPECT_EQ(Eigen::nbThreads(), 1);
}

// The column blocks that the pool hands out cover the product exactly once.
TEST(OneThreadPool, BlockedProductsMatchEigen) {
  const Matrix x = Matrix::Random(37, 29);
  const Matrix w = Matrix::Random(53, 29);  // [out, in]
  const Eigen::Map<const Matrix> w_map(w.data(), w.rows(), w.cols());
  const Matrix expected = x * w.transpose();
  EXPECT_LT((matmul_nt(x, w_map) - expected).cwiseAbs().maxCoeff(), 1e-4f);
  const Matrix w_in_out = w.transpose();  // [in, out]
  EXPECT_LT((matmul_nn(x, w_in_out) - expected).cwiseAbs().maxCoeff(), 1e-4f);
}

}  // namespace
}  // namespace seqscope::compute::checkpoint
