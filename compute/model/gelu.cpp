#include "compute/model/gelu.h"

#include <cmath>

namespace seqscope::compute::model {

namespace {

constexpr double kBeta = 0.7978845608028654;  // sqrt(2 / pi)
constexpr double kKappa = 0.044715;

template <typename T>
T gelu(T x) {
  const T inner = T(kBeta) * (x + T(kKappa) * x * x * x);
  return T(0.5) * x * (T(1) + std::tanh(inner));
}

// d gelu / dx = 0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u) sqrt(2/pi) (1 + 3 * 0.044715 x^2)
template <typename T>
T gelu_grad(T x) {
  const T tanh_inner = std::tanh(T(kBeta) * (x + T(kKappa) * x * x * x));
  return T(0.5) * (T(1) + tanh_inner) +
         T(0.5) * x * (T(1) - tanh_inner * tanh_inner) * T(kBeta) * (T(1) + T(3 * kKappa) * x * x);
}

}  // namespace

template <typename T>
Mat<T> gelu_forward(const Mat<T>& x) {
  return x.unaryExpr([](T v) { return gelu(v); });
}

template <typename T>
Mat<T> gelu_backward(const Mat<T>& dy, const Mat<T>& x) {
  return dy.cwiseProduct(x.unaryExpr([](T v) { return gelu_grad(v); }));
}

#define SEQSCOPE_INSTANTIATE(T)                  \
  template Mat<T> gelu_forward(const Mat<T>& x); \
  template Mat<T> gelu_backward(const Mat<T>& dy, const Mat<T>& x);
SEQSCOPE_INSTANTIATE(float)
SEQSCOPE_INSTANTIATE(double)
#undef SEQSCOPE_INSTANTIATE

}  // namespace seqscope::compute::model
