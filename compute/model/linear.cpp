#include "compute/model/linear.h"

namespace seqscope::compute::model {

template <typename T>
Mat<T> linear_forward(const Mat<T>& x, const Mat<T>& W) {
  return x * W.transpose();
}

template <typename T>
Mat<T> linear_forward(const Mat<T>& x, const Mat<T>& W, const Vec<T>& b) {
  Mat<T> y = x * W.transpose();
  y.rowwise() += b.transpose();
  return y;
}

template <typename T>
Mat<T> linear_backward(const Mat<T>& dy, const Mat<T>& x, const Mat<T>& W, Mat<T>& dW) {
  dW.noalias() += dy.transpose() * x;
  return dy * W;
}

template <typename T>
Mat<T> linear_backward(const Mat<T>& dy, const Mat<T>& x, const Mat<T>& W, Mat<T>& dW, Vec<T>& db) {
  db += dy.colwise().sum().transpose();
  return linear_backward(dy, x, W, dW);
}

#define SEQSCOPE_INSTANTIATE(T)                                                                    \
  template Mat<T> linear_forward(const Mat<T>& x, const Mat<T>& W);                                \
  template Mat<T> linear_forward(const Mat<T>& x, const Mat<T>& W, const Vec<T>& b);               \
  template Mat<T> linear_backward(const Mat<T>& dy, const Mat<T>& x, const Mat<T>& W, Mat<T>& dW); \
  template Mat<T> linear_backward(const Mat<T>& dy, const Mat<T>& x, const Mat<T>& W, Mat<T>& dW, Vec<T>& db);
SEQSCOPE_INSTANTIATE(float)
SEQSCOPE_INSTANTIATE(double)
#undef SEQSCOPE_INSTANTIATE

}  // namespace seqscope::compute::model
