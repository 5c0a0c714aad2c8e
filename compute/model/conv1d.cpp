#include "compute/model/conv1d.h"

#include <algorithm>

#include "compute/model/silu.h"

namespace seqscope::compute::model {

template <typename T>
Mat<T> conv1d_silu_forward(const Mat<T>& x, const Mat<T>& w, const Vec<T>& b, Conv1dAct<T>& act) {
  const Eigen::Index L = x.rows();
  const Eigen::Index k = w.cols();
  act.pre.resize(L, x.cols());
  for (Eigen::Index t = 0; t < L; ++t) {
    act.pre.row(t) = b.transpose();
    // Tap j reads x at s = t - (k-1) + j; taps before the sequence start read the zero padding.
    for (Eigen::Index j = std::max<Eigen::Index>(0, k - 1 - t); j < k; ++j)
      act.pre.row(t) += w.col(j).transpose().cwiseProduct(x.row(t - (k - 1) + j));
  }
  return silu_forward(act.pre);
}

template <typename T>
Mat<T> conv1d_silu_backward(const Mat<T>& dy, const Mat<T>& x, const Mat<T>& w, const Conv1dAct<T>& act,
                            Mat<T>& dw, Vec<T>& db) {
  const Eigen::Index L = x.rows();
  const Eigen::Index k = w.cols();
  const Mat<T> dpre = silu_backward(dy, act.pre);
  db += dpre.colwise().sum().transpose();
  Mat<T> dx = Mat<T>::Zero(L, x.cols());
  for (Eigen::Index t = 0; t < L; ++t) {
    for (Eigen::Index j = std::max<Eigen::Index>(0, k - 1 - t); j < k; ++j) {
      const Eigen::Index s = t - (k - 1) + j;
      dw.col(j) += dpre.row(t).cwiseProduct(x.row(s)).transpose();
      dx.row(s) += dpre.row(t).cwiseProduct(w.col(j).transpose());
    }
  }
  return dx;
}

#define SEQSCOPE_INSTANTIATE(T)                                                                              \
  template Mat<T> conv1d_silu_forward(const Mat<T>& x, const Mat<T>& w, const Vec<T>& b, Conv1dAct<T>& act); \
  template Mat<T> conv1d_silu_backward(const Mat<T>& dy, const Mat<T>& x, const Mat<T>& w,                   \
                                       const Conv1dAct<T>& act, Mat<T>& dw, Vec<T>& db);
SEQSCOPE_INSTANTIATE(float)
SEQSCOPE_INSTANTIATE(double)
#undef SEQSCOPE_INSTANTIATE

}  // namespace seqscope::compute::model
