#include "compute/model/selective_scan.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "compute/model/silu.h"

namespace seqscope::compute::model {

namespace {

// torch.nn.functional.softplus (beta 1, threshold 20): x above 20 stays x, else log1p(exp x).
// log1p(e) as log(u) e / (u - 1), u = 1 + e (exact where u rounds to 1: then e): as accurate
// as log1p (Goldberg's formula) and, unlike Eigen's log1p, SIMD.
template <typename T>
Mat<T> softplus_of(const Mat<T>& x) {
  using Array = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Array e = x.array().exp();
  const Array u = T(1) + e;
  const auto log1p_e = (u == T(1)).select(e, u.log() * e / (u - T(1)));
  return (x.array() > T(20)).select(x.array(), log1p_e).matrix();
}
// Its gradient: sigmoid(x), 1 above the threshold.
template <typename T>
Mat<T> softplus_grad_of(const Mat<T>& x) {
  return (x.array() > T(20)).select(T(1), sigmoid_of(x).array()).matrix();
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

// One channel's N states: a row of a row-major [di, N] (or [L, N]) matrix, contiguous. kN is
// N at compile time where the dispatch below knows it (2, 4, 8, 16, 32, 64), else Eigen::Dynamic:
// with a fixed width a row is whole SIMD registers and each line below is a few
// instructions; a dynamic-size row expression costs more in setup than in arithmetic.
template <typename T, int kN>
using StateRow = Eigen::Map<Eigen::Array<T, 1, kN>>;
template <typename T, int kN>
using ConstStateRow = Eigen::Map<const Eigen::Array<T, 1, kN>>;

template <typename T, int kN>
StateRow<T, kN> row_of(Mat<T>& m, Eigen::Index r) {
  return StateRow<T, kN>(m.data() + r * m.cols(), m.cols());
}
template <typename T, int kN>
ConstStateRow<T, kN> row_of(const Mat<T>& m, Eigen::Index r) {
  return ConstStateRow<T, kN>(m.data() + r * m.cols(), m.cols());
}

// One step of the recurrence at t: Abar = exp(delta_t A) and h_t = Abar h_{t-1} + delta_t u_t B_t
// ([di, N] each; h_prev and h may be the same matrix), channel by channel, each line SIMD over
// n (exp included). The forward and the backward's recompute both call it, so they compute
// the same bits.
template <typename T, int kN>
void advance_state(const SelectiveScanInputs<T>& in, const Mat<T>& A, const Mat<T>& delta, Eigen::Index t,
                   const Mat<T>& h_prev, Mat<T>& Abar, Mat<T>& h) {
  const ConstStateRow<T, kN> B_t = row_of<T, kN>(in.B, t);
  for (Eigen::Index c = 0; c < A.rows(); ++c) {
    const T d = delta(t, c);
    StateRow<T, kN> abar = row_of<T, kN>(Abar, c);
    abar = (row_of<T, kN>(A, c) * d).exp();
    row_of<T, kN>(h, c) = abar * row_of<T, kN>(h_prev, c) + (d * in.u(t, c)) * B_t;
  }
}

// The forward: h through every step, y_t = C_t h_t + D u_t, h kept at chunk starts.
template <typename T, int kN>
void scan_forward(const SelectiveScanInputs<T>& in, const Mat<T>& A, int chunk, SelectiveScanAct<T>& act) {
  const Eigen::Index L = in.u.rows(), di = in.u.cols(), N = A.cols();
  Mat<T> h = Mat<T>::Zero(di, N);
  Mat<T> Abar(di, N);
  for (Eigen::Index t = 0; t < L; ++t) {
    if (t % chunk == 0) act.h_start.push_back(h);
    advance_state<T, kN>(in, A, act.delta, t, h, Abar, h);
    if (t == in.reset_after) h.setZero();
    const ConstStateRow<T, kN> C_t = row_of<T, kN>(in.C, t);
    for (Eigen::Index c = 0; c < di; ++c)
      act.y(t, c) = (row_of<T, kN>(h, c) * C_t).sum() + in.D(c) * in.u(t, c);
  }
}

// The backward's state: one chunk's recomputed states and decays, the reverse carry, and the
// gradients it accumulates.
template <typename T>
struct ReverseState {
  std::vector<Mat<T>> hs, abars;  // [chunk] x [di, N]: h_t and exp(delta_t A) of the chunk
  Mat<T> carry;                   // [di, N]: exp(delta_{t+1} A) g_{t+1}, what h_t gets from t+1
  Mat<T> ddelta;                  // [L, di]
  Mat<T> dA;                      // [di, N]
};

// One step of the reverse recurrence at t (selective_scan.h), channel by channel as
// advance_state. carry holds exp(delta_{t+1} A) g_{t+1} on entry and exp(delta_t A) g_t on
// return.
template <typename T, int kN>
void reverse_step(const SelectiveScanInputs<T>& in, const Mat<T>& A, const Mat<T>& delta, const Mat<T>& dy,
                  Eigen::Index t, const Mat<T>& h_t, const Mat<T>& h_prev, const Mat<T>& Abar,
                  ReverseState<T>& r, SelectiveScanGrads<T>& g) {
  using Row = Eigen::Array<T, 1, kN>;
  const Eigen::Index N = A.cols();
  const ConstStateRow<T, kN> B_t = row_of<T, kN>(in.B, t), C_t = row_of<T, kN>(in.C, t);
  Row dB_t = Row::Zero(N), dC_t = Row::Zero(N);
  for (Eigen::Index c = 0; c < A.rows(); ++c) {
    const T d = delta(t, c), u = in.u(t, c), dy_c = dy(t, c);
    StateRow<T, kN> carry = row_of<T, kN>(r.carry, c);
    const ConstStateRow<T, kN> abar = row_of<T, kN>(Abar, c);
    const Row gh = carry + dy_c * C_t;  // dL/dh_t = dy_t C_t + what h_{t+1} sends back
    dC_t += dy_c * row_of<T, kN>(h_t, c);
    // d Abar = gh h_{t-1}; through Abar = exp(delta A): d delta += sum_n d Abar Abar A,
    // dA += d Abar Abar delta
    const Row decayed = gh * row_of<T, kN>(h_prev, c) * abar;
    // through delta u B: d delta += u sum_n gh B, dB += delta u gh, du += delta sum_n gh B
    const T gh_B = (gh * B_t).sum();
    r.ddelta(t, c) = (decayed * row_of<T, kN>(A, c)).sum() + u * gh_B;
    row_of<T, kN>(r.dA, c) += d * decayed;
    dB_t += (d * u) * gh;
    g.u(t, c) += d * gh_B;
    carry = abar * gh;
  }
  row_of<T, kN>(g.B, t) += dB_t;
  row_of<T, kN>(g.C, t) += dC_t;
}

// The backward's walk: chunks last to first, each recomputed from its checkpoint, then the
// reverse recurrence through it.
template <typename T, int kN>
void scan_backward(const SelectiveScanInputs<T>& in, const Mat<T>& A, const Mat<T>& dy,
                   const SelectiveScanAct<T>& act, ReverseState<T>& r, SelectiveScanGrads<T>& g) {
  const Eigen::Index L = in.u.rows();
  for (auto k = static_cast<Eigen::Index>(act.h_start.size()) - 1; k >= 0; --k) {
    const Eigen::Index t0 = k * act.chunk;
    const Eigen::Index t1 = std::min(L, t0 + act.chunk);
    const Mat<T>& h_start = act.h_start[static_cast<size_t>(k)];
    for (Eigen::Index t = t0; t < t1; ++t) {
      const auto i = static_cast<size_t>(t - t0);
      advance_state<T, kN>(in, A, act.delta, t, i == 0 ? h_start : r.hs[i - 1], r.abars[i], r.hs[i]);
    }
    for (Eigen::Index t = t1 - 1; t >= t0; --t) {
      const auto i = static_cast<size_t>(t - t0);
      reverse_step<T, kN>(in, A, act.delta, dy, t, r.hs[i], i > 0 ? r.hs[i - 1] : h_start, r.abars[i], r, g);
    }
  }
}

// Calls fn with N as a compile-time constant where it is one of the common state sizes.
template <typename Fn>
void with_state_width(Eigen::Index N, Fn&& fn) {
  switch (N) {
    case 2: return fn(std::integral_constant<int, 2>{});
    case 4: return fn(std::integral_constant<int, 4>{});
    case 8: return fn(std::integral_constant<int, 8>{});
    case 16: return fn(std::integral_constant<int, 16>{});
    case 32: return fn(std::integral_constant<int, 32>{});
    case 64: return fn(std::integral_constant<int, 64>{});
    default: return fn(std::integral_constant<int, Eigen::Dynamic>{});
  }
}

}  // namespace

template <typename T>
Mat<T> selective_scan_delta(const Mat<T>& delta_raw, const Vec<T>& delta_bias) {
  if (delta_bias.size() != delta_raw.cols())
    throw std::invalid_argument("selective_scan: delta_bias does not match delta_raw's channels");
  return softplus_of<T>(delta_raw.rowwise() + delta_bias.transpose());
}

template <typename T>
Mat<T> selective_scan_forward(const SelectiveScanInputs<T>& in, int chunk, SelectiveScanAct<T>& act) {
  check_shapes(in, chunk);
  const Mat<T> A = -in.A_log.array().exp();
  act.chunk = chunk;
  act.delta = selective_scan_delta(in.delta_raw, in.delta_bias);
  act.y.resize(in.u.rows(), in.u.cols());
  act.h_start.clear();
  with_state_width(A.cols(), [&](auto kN) { scan_forward<T, decltype(kN)::value>(in, A, chunk, act); });
  return act.y.cwiseProduct(silu_forward(in.z));
}

template <typename T>
SelectiveScanGrads<T> selective_scan_backward(const Mat<T>& dout, const SelectiveScanInputs<T>& in,
                                              const SelectiveScanAct<T>& act,
                                              SelectiveScanParamGrads<T> grads) {
  if (in.reset_after >= 0) throw std::invalid_argument("selective_scan: a state reset is for inference only");
  const Eigen::Index L = in.u.rows();
  const Eigen::Index di = in.u.cols();
  const Eigen::Index N = in.A_log.cols();
  const Mat<T> A = -in.A_log.array().exp();
  SelectiveScanGrads<T> g;
  // out = y * silu(z)
  const Mat<T> dy = dout.cwiseProduct(silu_forward(in.z));
  g.z = silu_backward<T>(dout.cwiseProduct(act.y), in.z);
  // y = ... + D u
  g.u = dy.array().rowwise() * in.D.transpose().array();
  grads.D += dy.cwiseProduct(in.u).colwise().sum().transpose();
  g.B = Mat<T>::Zero(L, N);
  g.C = Mat<T>::Zero(L, N);
  ReverseState<T> r;
  const auto chunk_steps = static_cast<size_t>(std::min<Eigen::Index>(act.chunk, L));
  r.hs.assign(chunk_steps, Mat<T>(di, N));
  r.abars.assign(chunk_steps, Mat<T>(di, N));
  r.carry = Mat<T>::Zero(di, N);
  r.ddelta.resize(L, di);
  r.dA = Mat<T>::Zero(di, N);
  with_state_width(N, [&](auto kN) { scan_backward<T, decltype(kN)::value>(in, A, dy, act, r, g); });
  // delta = softplus(delta_raw + delta_bias), A = -exp(A_log) (so dA/dA_log = A)
  const Mat<T> pre = in.delta_raw.rowwise() + in.delta_bias.transpose();
  g.delta_raw = r.ddelta.cwiseProduct(softplus_grad_of(pre));
  grads.delta_bias += g.delta_raw.colwise().sum().transpose();
  grads.A_log += r.dA.cwiseProduct(A);
  return g;
}

#define SEQSCOPE_INSTANTIATE(T)                                                             \
  template Mat<T> selective_scan_delta(const Mat<T>& delta_raw, const Vec<T>& delta_bias);  \
  template Mat<T> selective_scan_forward(const SelectiveScanInputs<T>& in, int chunk,       \
                                         SelectiveScanAct<T>& act);                         \
  template SelectiveScanGrads<T> selective_scan_backward(                                   \
      const Mat<T>& dout, const SelectiveScanInputs<T>& in, const SelectiveScanAct<T>& act, \
      SelectiveScanParamGrads<T> grads);
SEQSCOPE_INSTANTIATE(float)
SEQSCOPE_INSTANTIATE(double)
#undef SEQSCOPE_INSTANTIATE

}  // namespace seqscope::compute::model
