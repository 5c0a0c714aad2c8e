#include "compute/model/gelu.h"

namespace seqscope::compute::model {

namespace {

constexpr double kBeta = 0.7978845608028654;  // sqrt(2 / pi)
constexpr double kKappa = 0.044715;

// tanh(sqrt(2/pi) (x + 0.044715 x^3)), elementwise with Eigen's vectorized tanh.
template <typename T>
Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> tanh_inner(const Mat<T>& x) {
  const auto a = x.array();
  return (T(kBeta) * (a + T(kKappa) * a * a * a)).tanh();
}

}  // namespace

// gelu(x) = 0.5 x (1 + tanh u), u = sqrt(2/pi) (x + 0.044715 x^3)
template <typename T>
Mat<T> gelu_forward(const Mat<T>& x) {
  return (T(0.5) * x.array() * (T(1) + tanh_inner(x))).matrix();
}

// d gelu / dx = 0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u) sqrt(2/pi) (1 + 3 * 0.044715 x^2)
template <typename T>
Mat<T> gelu_backward(const Mat<T>& dy, const Mat<T>& x) {
  const auto th = tanh_inner(x);
  const auto a = x.array();
  return (dy.array() * (T(0.5) * (T(1) + th) +
                        T(0.5) * a * (T(1) - th * th) * T(kBeta) * (T(1) + T(3 * kKappa) * a * a)))
      .matrix();
}

#define SEQSCOPE_INSTANTIATE(T)                  \
  template Mat<T> gelu_forward(const Mat<T>& x); \
  template Mat<T> gelu_backward(const Mat<T>& dy, const Mat<T>& x);
SEQSCOPE_INSTANTIATE(float)
SEQSCOPE_INSTANTIATE(double)
#undef SEQSCOPE_INSTANTIATE

}  // namespace seqscope::compute::model
