#include "compute/model/silu.h"

namespace seqscope::compute::model {

template <typename T>
Mat<T> sigmoid_of(const Mat<T>& x) {
  return (T(1) + (-x.array()).exp()).inverse().matrix();
}

template <typename T>
Mat<T> silu_forward(const Mat<T>& x) {
  return x.cwiseProduct(sigmoid_of(x));
}

template <typename T>
Mat<T> silu_backward(const Mat<T>& dy, const Mat<T>& x) {
  const Mat<T> s = sigmoid_of(x);
  return (dy.array() * s.array() * (T(1) + x.array() * (T(1) - s.array()))).matrix();
}

#define SEQSCOPE_INSTANTIATE(T)                  \
  template Mat<T> sigmoid_of(const Mat<T>& x);   \
  template Mat<T> silu_forward(const Mat<T>& x); \
  template Mat<T> silu_backward(const Mat<T>& dy, const Mat<T>& x);
SEQSCOPE_INSTANTIATE(float)
SEQSCOPE_INSTANTIATE(double)
#undef SEQSCOPE_INSTANTIATE

}  // namespace seqscope::compute::model
