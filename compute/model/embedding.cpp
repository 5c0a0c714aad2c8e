#include "compute/model/embedding.h"

#include <string>

#include "core/types.h"

namespace seqscope::compute::model {

template <typename T>
Mat<T> embedding_forward(std::span<const int> ids, const Mat<T>& W) {
  const auto L = static_cast<Eigen::Index>(ids.size());
  Mat<T> x(L, W.cols());
  for (Eigen::Index t = 0; t < L; ++t) {
    const int id = ids[static_cast<size_t>(t)];
    if (id < 0 || id >= W.rows())
      throw UserError("token id " + std::to_string(id) + " at position " + std::to_string(t) +
                      " is outside the vocabulary [0, " + std::to_string(W.rows()) + ")");
    x.row(t) = W.row(id);
  }
  return x;
}

template <typename T>
void embedding_backward(const Mat<T>& dx, std::span<const int> ids, Mat<T>& dW) {
  for (Eigen::Index t = 0; t < dx.rows(); ++t) dW.row(ids[static_cast<size_t>(t)]) += dx.row(t);
}

template <typename T>
Mat<T> tied_head_forward(const Mat<T>& x, const Mat<T>& W) {
  return x * W.transpose();
}

template <typename T>
Mat<T> tied_head_backward(const Mat<T>& dlogits, const Mat<T>& x, const Mat<T>& W, Mat<T>& dW) {
  dW.noalias() += dlogits.transpose() * x;
  return dlogits * W;
}

#define SEQSCOPE_INSTANTIATE(T)                                                             \
  template Mat<T> embedding_forward(std::span<const int> ids, const Mat<T>& W);             \
  template void embedding_backward(const Mat<T>& dx, std::span<const int> ids, Mat<T>& dW); \
  template Mat<T> tied_head_forward(const Mat<T>& x, const Mat<T>& W);                      \
  template Mat<T> tied_head_backward(const Mat<T>& dlogits, const Mat<T>& x, const Mat<T>& W, Mat<T>& dW);
SEQSCOPE_INSTANTIATE(float)
SEQSCOPE_INSTANTIATE(double)
#undef SEQSCOPE_INSTANTIATE

}  // namespace seqscope::compute::model
