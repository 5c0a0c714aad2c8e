#include "compute/model/lti_scan.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "compute/model/silu.h"

namespace seqscope::compute::model {

namespace {

template <typename T>
void check_shapes(const LtiScanInputs<T>& in, int chunk) {
  const Eigen::Index L = in.u.rows();
  const Eigen::Index di = in.u.cols();
  const Eigen::Index N = in.A_log.cols();
  const bool ok = in.log_dt.size() == di && in.A_log.rows() == di && in.B.rows() == di && in.B.cols() == N &&
                  in.C.rows() == di && in.C.cols() == N && in.D.size() == di && in.z.rows() == L &&
                  in.z.cols() == di;
  if (!ok) throw std::invalid_argument("lti_scan: inputs of mismatched shapes");
  if (chunk < 1) throw std::invalid_argument("lti_scan: chunk " + std::to_string(chunk) + " < 1");
}

// h: [di, N] holds h_{t-1}; afterwards h_t = Abar h_{t-1} + Bbar u_t. Shared by the forward
// and the backward's recompute.
template <typename T>
void advance_state(const Mat<T>& Abar, const Mat<T>& Bbar, const Mat<T>& u, Eigen::Index t, Mat<T>& h) {
  for (Eigen::Index c = 0; c < h.rows(); ++c) {
    const T uc = u(t, c);
    for (Eigen::Index n = 0; n < h.cols(); ++n) h(c, n) = Abar(c, n) * h(c, n) + Bbar(c, n) * uc;
  }
}

// The discretization's pieces, [di, N] each: A = -exp(A_log), delta A, E = expm1(delta A) / A.
template <typename T>
struct Zoh {
  Mat<T> A, Abar, E;
};
template <typename T>
Zoh<T> discretize(const LtiScanInputs<T>& in) {
  Zoh<T> zoh;
  zoh.A = in.A_log.unaryExpr([](T a) { return -std::exp(a); });
  zoh.Abar.resize(zoh.A.rows(), zoh.A.cols());
  zoh.E.resize(zoh.A.rows(), zoh.A.cols());
  for (Eigen::Index c = 0; c < zoh.A.rows(); ++c) {
    const T delta = std::exp(in.log_dt(c));
    for (Eigen::Index n = 0; n < zoh.A.cols(); ++n) {
      const T dA = delta * zoh.A(c, n);
      zoh.Abar(c, n) = std::exp(dA);
      zoh.E(c, n) = std::expm1(dA) / zoh.A(c, n);  // expm1: no cancellation when delta A is small
    }
  }
  return zoh;
}

}  // namespace

template <typename T>
Mat<T> lti_scan_forward(const LtiScanInputs<T>& in, int chunk, LtiScanAct<T>& act) {
  check_shapes(in, chunk);
  const Eigen::Index L = in.u.rows();
  const Eigen::Index di = in.u.cols();
  const Zoh<T> zoh = discretize(in);
  act.chunk = chunk;
  act.Abar = zoh.Abar;
  act.Bbar = zoh.E.cwiseProduct(in.B);
  act.y.resize(L, di);
  act.h_start.clear();
  Mat<T> h = Mat<T>::Zero(di, in.A_log.cols());
  for (Eigen::Index t = 0; t < L; ++t) {
    if (t % chunk == 0) act.h_start.push_back(h);
    advance_state(act.Abar, act.Bbar, in.u, t, h);
    if (t == in.reset_after) h.setZero();
    act.y.row(t) = h.cwiseProduct(in.C).rowwise().sum().transpose();
    act.y.row(t) += in.D.transpose().cwiseProduct(in.u.row(t));
  }
  return act.y.cwiseProduct(silu_forward(in.z));
}

template <typename T>
LtiScanGrads<T> lti_scan_backward(const Mat<T>& dout, const LtiScanInputs<T>& in, const LtiScanAct<T>& act,
                                  LtiScanParamGrads<T> grads) {
  if (in.reset_after >= 0) throw std::invalid_argument("lti_scan: a state reset is for inference only");
  const Eigen::Index L = in.u.rows();
  const Eigen::Index di = in.u.cols();
  const Eigen::Index N = in.A_log.cols();
  LtiScanGrads<T> g;
  // out = y * silu(z)
  const Mat<T> dy = dout.cwiseProduct(silu_forward(in.z));
  g.z = silu_backward<T>(dout.cwiseProduct(act.y), in.z);
  // y = ... + D u
  g.u = dy.array().rowwise() * in.D.transpose().array();
  grads.D += dy.cwiseProduct(in.u).colwise().sum().transpose();
  Mat<T> dAbar = Mat<T>::Zero(di, N);
  Mat<T> dBbar = Mat<T>::Zero(di, N);
  Mat<T> carry = Mat<T>::Zero(di, N);  // Abar g_{t+1}: what h_t receives from step t+1
  std::vector<Mat<T>> hs(static_cast<size_t>(std::min<Eigen::Index>(act.chunk, L)));
  for (auto k = static_cast<Eigen::Index>(act.h_start.size()) - 1; k >= 0; --k) {
    const Eigen::Index t0 = k * act.chunk;
    const Eigen::Index t1 = std::min(L, t0 + act.chunk);
    const Mat<T>& h_start = act.h_start[static_cast<size_t>(k)];
    Mat<T> h = h_start;
    for (Eigen::Index t = t0; t < t1; ++t) {
      advance_state(act.Abar, act.Bbar, in.u, t, h);
      hs[static_cast<size_t>(t - t0)] = h;
    }
    for (Eigen::Index t = t1 - 1; t >= t0; --t) {
      const Mat<T>& h_t = hs[static_cast<size_t>(t - t0)];
      const Mat<T>& h_prev = t > t0 ? hs[static_cast<size_t>(t - 1 - t0)] : h_start;
      for (Eigen::Index c = 0; c < di; ++c) {
        const T uc = in.u(t, c);
        const T dyc = dy(t, c);
        T du = 0;
        for (Eigen::Index n = 0; n < N; ++n) {
          const T gh = dyc * in.C(c, n) + carry(c, n);  // dL/dh_t
          grads.C(c, n) += dyc * h_t(c, n);
          dAbar(c, n) += gh * h_prev(c, n);
          dBbar(c, n) += gh * uc;
          du += gh * act.Bbar(c, n);
          carry(c, n) = act.Abar(c, n) * gh;
        }
        g.u(t, c) += du;
      }
    }
  }
  // Abar = exp(delta A), Bbar = E B, E = expm1(delta A) / A, delta = exp(log_dt), A = -exp(A_log)
  const Zoh<T> zoh = discretize(in);
  grads.B += dBbar.cwiseProduct(zoh.E);
  for (Eigen::Index c = 0; c < di; ++c) {
    const T delta = std::exp(in.log_dt(c));
    T ddelta = 0;
    for (Eigen::Index n = 0; n < N; ++n) {
      const T A = zoh.A(c, n);
      const T Abar = zoh.Abar(c, n);
      const T dE = dBbar(c, n) * in.B(c, n);
      ddelta += dAbar(c, n) * Abar * A + dE * Abar;
      const T dA = dAbar(c, n) * Abar * delta + dE * (delta * Abar - zoh.E(c, n)) / A;
      grads.A_log(c, n) += dA * A;
    }
    grads.log_dt(c) += ddelta * delta;
  }
  return g;
}

#define SEQSCOPE_INSTANTIATE(T)                                                                \
  template Mat<T> lti_scan_forward(const LtiScanInputs<T>& in, int chunk, LtiScanAct<T>& act); \
  template LtiScanGrads<T> lti_scan_backward(const Mat<T>& dout, const LtiScanInputs<T>& in,   \
                                             const LtiScanAct<T>& act, LtiScanParamGrads<T> grads);
SEQSCOPE_INSTANTIATE(float)
SEQSCOPE_INSTANTIATE(double)
#undef SEQSCOPE_INSTANTIATE

}  // namespace seqscope::compute::model
