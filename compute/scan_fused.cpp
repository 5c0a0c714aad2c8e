// scan_real_fused (scan_fused.h). Each worker owns a contiguous block of channels and their
// state [channels, N]; per step it reads one row of u and delta, so memory traffic is the
// [L, D] inputs and output plus whatever the caller asked to materialize.
#include "scan_fused.h"

#include <vector>

#include "discretize.h"

#include "parallel.h"

namespace seqscope::compute {

bool fused_scan_supports(Discretization method) {
  return method == Discretization::Mamba || method == Discretization::Zoh;
}

namespace {

// Writes x: [N] as complex with imaginary part 0 at out.
template <typename Arr>
void put_complex(const Arr& x, Complex* out) {
  for (Eigen::Index n = 0; n < x.size(); ++n) out[n] = Complex(x(n), 0.0f);
}

// Channels [d0, d1) over the whole sequence. NC: N at compile time (one SIMD register of
// modes for N = 16 on AVX-512, no loop overhead per (t, d)), or Eigen::Dynamic.
template <int NC>
void scan_channels(const RealScanArgs& a, int64_t d0, int64_t d1) {
  using Arr = Eigen::Array<float, NC, 1>;
  using ConstMap = Eigen::Map<const Arr>;
  const int64_t L = a.L, D = a.D, N = a.N;
  std::vector<float> state(static_cast<size_t>((d1 - d0) * N), 0.0f);  // h_{t-1} of each channel
  Arr abar = Arr::Zero(N), bbar = Arr::Zero(N), scale = Arr::Zero(N);
  const bool b_step = a.b_rows == RowsPer::Step, c_step = a.c_rows == RowsPer::Step;
  const bool zoh = a.method == Discretization::Zoh;
  for (int64_t t = 0; t < L; ++t) {
    for (int64_t d = d0; d < d1; ++d) {
      const float dt = a.delta[t * D + d], ut = a.u[t * D + d];
      const ConstMap A_d(a.A + d * N, N);
      const ConstMap b(a.B + (b_step ? t : d) * N, N);
      const ConstMap c(a.C + (c_step ? t : d) * N, N);
      Eigen::Map<Arr> h(state.data() + (d - d0) * N, N);
      if (a.lti) {
        for (int64_t n = 0; n < N; ++n) {
          const DiscreteMode m = discretize_mode_real(A_d(n), a.delta[d], a.method);
          abar(n) = m.Abar.real();
          bbar(n) = m.bbar_scale.real() * b(n);
        }
      } else {
        abar = (A_d * dt).exp();
        // zoh: (exp(dt a) - 1) / a, and dt itself for a mode at a = 0; mamba: dt.
        if (zoh) scale = (A_d == 0.0f).select(dt, (A_d * dt).expm1() / A_d);
        bbar = zoh ? Arr(scale * b) : Arr(dt * b);
      }
      h = abar * h + bbar * ut;
      // Products of two floats are exact in double; only the additions round.
      const double acc = (c.template cast<double>() * h.template cast<double>()).sum();
      a.y[t * D + d] = static_cast<float>(acc) + a.Dskip[d] * ut;
      const int64_t at = (t * D + d) * N;
      if (a.h) put_complex(h, a.h + at);
      if (a.Abar) put_complex(abar, a.Abar + at);
      if (a.Bbar) put_complex(bbar, a.Bbar + at);
    }
  }
}

// kLanes channels side by side, one mode n at a time: the exp, the state update and the
// double readout are all vertical (no horizontal sum), and y sums the modes in order
// n = 0..N-1 exactly like scan_diagonal. Channels [d0, d0 + kLanes).
constexpr int kLanes = 16;
using Lanes = Eigen::Array<float, kLanes, 1>;
using LanesD = Eigen::Array<double, kLanes, 1>;

void scan_lanes(const RealScanArgs& a, int64_t d0) {
  const int64_t L = a.L, D = a.D, N = a.N;
  const bool b_step = a.b_rows == RowsPer::Step, c_step = a.c_rows == RowsPer::Step;
  const bool zoh = a.method == Discretization::Zoh;
  // Per-channel parameters transposed to [N][lanes]; the state h [N][lanes].
  std::vector<Lanes> A(static_cast<size_t>(N)), Bc(static_cast<size_t>(N)), Cc(static_cast<size_t>(N));
  std::vector<Lanes> h(static_cast<size_t>(N), Lanes::Zero());
  for (int64_t n = 0; n < N; ++n)
    for (int j = 0; j < kLanes; ++j) {
      const int64_t d = d0 + j;
      A[static_cast<size_t>(n)](j) = a.A[d * N + n];
      Bc[static_cast<size_t>(n)](j) = b_step ? 0.0f : a.B[d * N + n];
      Cc[static_cast<size_t>(n)](j) = c_step ? 0.0f : a.C[d * N + n];
    }
  // LTI: Abar, Bbar once per mode, exactly as discretize_diagonal computes them.
  std::vector<Lanes> abar_lti(a.lti ? static_cast<size_t>(N) : 0), bbar_lti(abar_lti.size());
  for (size_t i = 0; i < abar_lti.size(); ++i)
    for (int j = 0; j < kLanes; ++j) {
      const DiscreteMode m = discretize_mode_real(A[i](j), a.delta[d0 + j], a.method);
      abar_lti[i](j) = m.Abar.real();
      bbar_lti[i](j) = m.bbar_scale.real() * Bc[i](j);
    }
  Eigen::Map<const Lanes> Dskip(a.Dskip + d0);
  for (int64_t t = 0; t < L; ++t) {
    const Lanes dt = Eigen::Map<const Lanes>(a.delta + t * D + d0), ut = Eigen::Map<const Lanes>(a.u + t * D + d0);
    LanesD acc = LanesD::Zero();
    for (int64_t n = 0; n < N; ++n) {
      const size_t i = static_cast<size_t>(n);
      Lanes abar, bbar;
      if (a.lti) {
        abar = abar_lti[i];
        bbar = bbar_lti[i];
      } else {
        abar = (A[i] * dt).exp();
        Lanes scale = dt;
        if (zoh) scale = (A[i] == 0.0f).select(dt, (A[i] * dt).expm1() / A[i]);
        bbar = b_step ? Lanes(scale * a.B[t * N + n]) : Lanes(scale * Bc[i]);
      }
      h[i] = abar * h[i] + bbar * ut;
      const Lanes c = c_step ? Lanes::Constant(a.C[t * N + n]) : Cc[i];
      // Products of two floats are exact in double; only the additions round.
      acc += c.cast<double>() * h[i].cast<double>();
      if (a.h || a.Abar || a.Bbar)
        for (int j = 0; j < kLanes; ++j) {
          const int64_t at = (t * D + d0 + j) * N + n;
          if (a.h) a.h[at] = Complex(h[i](j), 0.0f);
          if (a.Abar) a.Abar[at] = Complex(abar(j), 0.0f);
          if (a.Bbar) a.Bbar[at] = Complex(bbar(j), 0.0f);
        }
    }
    Eigen::Map<Lanes>(a.y + t * D + d0) = acc.cast<float>() + Dskip * ut;
  }
}

void scan_block(const RealScanArgs& a, int64_t d0, int64_t d1) {
  // Whole lane groups first, then the remaining channels one by one.
  for (; d0 + kLanes <= d1; d0 += kLanes) scan_lanes(a, d0);
  if (d0 >= d1) return;
  switch (a.N) {
    case 16: return scan_channels<16>(a, d0, d1);
    case 8: return scan_channels<8>(a, d0, d1);
    default: return scan_channels<Eigen::Dynamic>(a, d0, d1);
  }
}

}  // namespace

void scan_real_fused(const RealScanArgs& args) {
  // Workers take whole lane groups; a thread start costs ~20 us, so each worker gets at
  // least ~64k mode-steps.
  const int64_t groups = (args.D + kLanes - 1) / kLanes;
  const int64_t per_group = std::max<int64_t>(1, args.L * args.N * kLanes);
  parallel_for(groups, std::max<int64_t>(1, 65536 / per_group), [&args](int64_t g0, int64_t g1, int) {
    scan_block(args, g0 * kLanes, std::min(args.D, g1 * kLanes));
  });
}

}  // namespace seqscope::compute
