#include "compute/model/silu.h"

namespace seqscope::compute::model {

template <typename T>
Mat<T> silu_forward(const Mat<T>& x) {
  return x.unaryExpr([](T v) { return silu(v); });
}

template <typename T>
Mat<T> silu_backward(const Mat<T>& dy, const Mat<T>& x) {
  return dy.cwiseProduct(x.unaryExpr([](T v) { return silu_grad(v); }));
}

#define SEQSCOPE_INSTANTIATE(T)                  \
  template Mat<T> silu_forward(const Mat<T>& x); \
  template Mat<T> silu_backward(const Mat<T>& dy, const Mat<T>& x);
SEQSCOPE_INSTANTIATE(float)
SEQSCOPE_INSTANTIATE(double)
#undef SEQSCOPE_INSTANTIATE

}  // namespace seqscope::compute::model
