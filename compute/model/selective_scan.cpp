#include "compute/model/selective_scan.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "compute/model/silu.h"

namespace seqscope::compute::model {

namespace {

// torch.nn.functional.softplus (beta 1, threshold 20) and its gradient.
template <typename T>
T softplus(T x) {
  return x > T(20) ? x : std::log1p(std::exp(x));
}
template <typename T>
T softplus_grad(T x) {
  return x > T(20) ? T(1) : sigmoid(x);
}

template <typename T>
void check_shapes(const SelectiveScanInputs<T>& in, int chunk) {
  const Eigen::Index L = in.u.rows();
  const Eigen::Index di = in.u.cols();
  const Eigen::Index N = in.A_log.cols();
  const bool ok = in.delta_raw.rows() == L && in.delta_raw.cols() == di && in.delta_bias.size() == di &&
                  in.A_log.rows() == di && in.B.rows() == L && in.B.cols() == N && in.C.rows() == L &&
                  in.C.cols() == N && in.D.size() == di && in.z.rows() == L && in.z.cols() == di;
  if (!ok) throw std::invalid_argument("selective_scan: inputs of mismatched shapes");
  if (chunk < 1) throw std::invalid_argument("selective_scan: chunk " + std::to_string(chunk) + " < 1");
}

// h: [di, N] holds h_{t-1}; afterwards h_t = exp(delta_t A) h_{t-1} + delta_t B_t u_t.
// The one state update, shared by the forward and the backward's recompute.
template <typename T>
void advance_state(const SelectiveScanInputs<T>& in, const Mat<T>& A, const Mat<T>& delta, Eigen::Index t,
                   Mat<T>& h) {
  for (Eigen::Index c = 0; c < h.rows(); ++c) {
    const T d = delta(t, c);
    const T du = d * in.u(t, c);
    for (Eigen::Index n = 0; n < h.cols(); ++n) h(c, n) = std::exp(d * A(c, n)) * h(c, n) + du * in.B(t, n);
  }
}

}  // namespace

template <typename T>
Mat<T> selective_scan_forward(const SelectiveScanInputs<T>& in, int chunk, SelectiveScanAct<T>& act) {
  check_shapes(in, chunk);
  const Eigen::Index L = in.u.rows();
  const Eigen::Index di = in.u.cols();
  const Eigen::Index N = in.A_log.cols();
  const Mat<T> A = in.A_log.unaryExpr([](T a) { return -std::exp(a); });
  act.chunk = chunk;
  act.delta = (in.delta_raw.rowwise() + in.delta_bias.transpose()).unaryExpr([](T x) { return softplus(x); });
  act.y.resize(L, di);
  act.h_start.clear();
  Mat<T> h = Mat<T>::Zero(di, N);
  for (Eigen::Index t = 0; t < L; ++t) {
    if (t % chunk == 0) act.h_start.push_back(h);
    advance_state(in, A, act.delta, t, h);
    act.y.row(t) = (h * in.C.row(t).transpose()).transpose();
    act.y.row(t) += in.D.transpose().cwiseProduct(in.u.row(t));
  }
  return act.y.cwiseProduct(silu_forward(in.z));
}

template <typename T>
SelectiveScanGrads<T> selective_scan_backward(const Mat<T>& dout, const SelectiveScanInputs<T>& in,
                                              const SelectiveScanAct<T>& act,
                                              SelectiveScanParamGrads<T> grads) {
  const Eigen::Index L = in.u.rows();
  const Eigen::Index di = in.u.cols();
  const Eigen::Index N = in.A_log.cols();
  const Mat<T> A = in.A_log.unaryExpr([](T a) { return -std::exp(a); });
  SelectiveScanGrads<T> g;
  // out = y * silu(z)
  const Mat<T> dy = dout.cwiseProduct(silu_forward(in.z));
  g.z = silu_backward<T>(dout.cwiseProduct(act.y), in.z);
  // y = ... + D u
  g.u = dy.array().rowwise() * in.D.transpose().array();
  grads.D += dy.cwiseProduct(in.u).colwise().sum().transpose();
  g.B = Mat<T>::Zero(L, N);
  g.C = Mat<T>::Zero(L, N);
  Mat<T> ddelta(L, di);
  Mat<T> dA = Mat<T>::Zero(di, N);
  Mat<T> carry = Mat<T>::Zero(di, N);  // exp(delta_{t+1} A) g_{t+1}: what h_t receives from step t+1
  std::vector<Mat<T>> hs(static_cast<size_t>(std::min<Eigen::Index>(act.chunk, L)));
  for (auto k = static_cast<Eigen::Index>(act.h_start.size()) - 1; k >= 0; --k) {
    const Eigen::Index t0 = k * act.chunk;
    const Eigen::Index t1 = std::min(L, t0 + act.chunk);
    // Recompute h_t0 .. h_{t1-1} from the state entering the chunk.
    const Mat<T>& h_start = act.h_start[static_cast<size_t>(k)];
    Mat<T> h = h_start;
    for (Eigen::Index t = t0; t < t1; ++t) {
      advance_state(in, A, act.delta, t, h);
      hs[static_cast<size_t>(t - t0)] = h;
    }
    for (Eigen::Index t = t1 - 1; t >= t0; --t) {
      const Mat<T>& h_t = hs[static_cast<size_t>(t - t0)];
      const Mat<T>& h_prev = t > t0 ? hs[static_cast<size_t>(t - 1 - t0)] : h_start;
      for (Eigen::Index c = 0; c < di; ++c) {
        const T d = act.delta(t, c);
        const T uc = in.u(t, c);
        const T dyc = dy(t, c);
        T dd = 0;
        T du = 0;
        for (Eigen::Index n = 0; n < N; ++n) {
          const T Abar = std::exp(d * A(c, n));
          const T gh = dyc * in.C(t, n) + carry(c, n);  // dL/dh_t
          g.C(t, n) += dyc * h_t(c, n);
          const T dAbar = gh * h_prev(c, n);
          dd += dAbar * Abar * A(c, n) + gh * in.B(t, n) * uc;
          dA(c, n) += dAbar * Abar * d;
          g.B(t, n) += gh * d * uc;
          du += gh * d * in.B(t, n);
          carry(c, n) = Abar * gh;
        }
        ddelta(t, c) = dd;
        g.u(t, c) += du;
      }
    }
  }
  // delta = softplus(delta_raw + delta_bias), A = -exp(A_log) (so dA/dA_log = A)
  const Mat<T> pre = in.delta_raw.rowwise() + in.delta_bias.transpose();
  g.delta_raw = ddelta.cwiseProduct(pre.unaryExpr([](T x) { return softplus_grad(x); }));
  grads.delta_bias += g.delta_raw.colwise().sum().transpose();
  grads.A_log += dA.cwiseProduct(A);
  return g;
}

#define SEQSCOPE_INSTANTIATE(T)                                                             \
  template Mat<T> selective_scan_forward(const SelectiveScanInputs<T>& in, int chunk,       \
                                         SelectiveScanAct<T>& act);                         \
  template SelectiveScanGrads<T> selective_scan_backward(                                   \
      const Mat<T>& dout, const SelectiveScanInputs<T>& in, const SelectiveScanAct<T>& act, \
      SelectiveScanParamGrads<T> grads);
SEQSCOPE_INSTANTIATE(float)
SEQSCOPE_INSTANTIATE(double)
#undef SEQSCOPE_INSTANTIATE

}  // namespace seqscope::compute::model
