#include "compute/model/rmsnorm.h"

#include <cmath>

namespace seqscope::compute::model {

template <typename T>
Mat<T> rmsnorm_forward(const Mat<T>& x, const Vec<T>& w, T eps, RmsNormAct<T>& act) {
  const auto d = static_cast<T>(x.cols());
  act.rstd.resize(x.rows());
  Mat<T> y(x.rows(), x.cols());
  for (Eigen::Index t = 0; t < x.rows(); ++t) {
    act.rstd(t) = T(1) / std::sqrt(x.row(t).squaredNorm() / d + eps);
    y.row(t) = (x.row(t) * act.rstd(t)).cwiseProduct(w.transpose());
  }
  return y;
}

template <typename T>
Mat<T> rmsnorm_backward(const Mat<T>& dy, const Mat<T>& x, const Vec<T>& w, const RmsNormAct<T>& act,
                        Vec<T>& dw) {
  const auto d = static_cast<T>(x.cols());
  Mat<T> dx(x.rows(), x.cols());
  for (Eigen::Index t = 0; t < x.rows(); ++t) {
    const T r = act.rstd(t);
    dw += (dy.row(t).cwiseProduct(x.row(t)) * r).transpose();
    const Eigen::Matrix<T, 1, Eigen::Dynamic> g = dy.row(t).cwiseProduct(w.transpose());
    const T gx = g.dot(x.row(t));
    dx.row(t) = r * g - (r * r * r / d * gx) * x.row(t);
  }
  return dx;
}

#define SEQSCOPE_INSTANTIATE(T)                                                                 \
  template Mat<T> rmsnorm_forward(const Mat<T>& x, const Vec<T>& w, T eps, RmsNormAct<T>& act); \
  template Mat<T> rmsnorm_backward(const Mat<T>& dy, const Mat<T>& x, const Vec<T>& w,          \
                                   const RmsNormAct<T>& act, Vec<T>& dw);
SEQSCOPE_INSTANTIATE(float)
SEQSCOPE_INSTANTIATE(double)
#undef SEQSCOPE_INSTANTIATE

}  // namespace seqscope::compute::model
