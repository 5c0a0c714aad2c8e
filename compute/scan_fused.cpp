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
// n = 0..N-1 exactly like scan_diagonal. `groups` lane groups from channel d0, step by step,
// so each step reads one contiguous stretch of u and delta and writes one of y.
constexpr int kLanes = 16;
using Lanes = Eigen::Array<float, kLanes, 1>;
using LanesD = Eigen::Array<double, kLanes, 1>;

void scan_lanes(const RealScanArgs& a, int64_t d0, int64_t groups) {
  const int64_t L = a.L, D = a.D, N = a.N;
  const bool b_step = a.b_rows == RowsPer::Step, c_step = a.c_rows == RowsPer::Step;
  const bool zoh = a.method == Discretization::Zoh;
  // Per-channel parameters transposed to [group][N][lanes]; the state h likewise.
  const size_t count = static_cast<size_t>(groups * N);
  std::vector<Lanes> A(count), Bc(count), Cc(count), h(count, Lanes::Zero());
  std::vector<Lanes> abar_lti(a.lti ? count : 0), bbar_lti(abar_lti.size());
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t n = 0; n < N; ++n)
      for (int j = 0; j < kLanes; ++j) {
        const int64_t d = d0 + g * kLanes + j;
        const size_t i = static_cast<size_t>(g * N + n);
        A[i](j) = a.A[d * N + n];
        Bc[i](j) = b_step ? 0.0f : a.B[d * N + n];
        Cc[i](j) = c_step ? 0.0f : a.C[d * N + n];
        if (!a.lti) continue;
        // LTI: Abar, Bbar once per mode, exactly as discretize_diagonal computes them.
        const DiscreteMode m = discretize_mode_real(A[i](j), a.delta[d], a.method);
        abar_lti[i](j) = m.Abar.real();
        bbar_lti[i](j) = m.bbar_scale.real() * Bc[i](j);
      }
  const bool materialize = a.h || a.Abar || a.Bbar;
  for (int64_t t = 0; t < L; ++t) {
    for (int64_t g = 0; g < groups; ++g) {
      const int64_t dg = d0 + g * kLanes;
      const Lanes dt = Eigen::Map<const Lanes>(a.delta + t * D + dg), ut = Eigen::Map<const Lanes>(a.u + t * D + dg);
      LanesD acc = LanesD::Zero();
      for (int64_t n = 0; n < N; ++n) {
        const size_t i = static_cast<size_t>(g * N + n);
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
        if (materialize)
          for (int j = 0; j < kLanes; ++j) {
            const int64_t at = (t * D + dg + j) * N + n;
            if (a.h) a.h[at] = Complex(h[i](j), 0.0f);
            if (a.Abar) a.Abar[at] = Complex(abar(j), 0.0f);
            if (a.Bbar) a.Bbar[at] = Complex(bbar(j), 0.0f);
          }
      }
      Eigen::Map<Lanes>(a.y + t * D + dg) = acc.cast<float>() + Eigen::Map<const Lanes>(a.Dskip + dg) * ut;
    }
  }
}

void scan_block(const RealScanArgs& a, int64_t d0, int64_t d1) {
  // Whole lane groups first, then the remaining channels one by one.
  const int64_t groups = (d1 - d0) / kLanes;
  if (groups > 0) scan_lanes(a, d0, groups);
  d0 += groups * kLanes;
  if (d0 >= d1) return;
  switch (a.N) {
    case 16: return scan_channels<16>(a, d0, d1);
    case 8: return scan_channels<8>(a, d0, d1);
    default: return scan_channels<Eigen::Dynamic>(a, d0, d1);
  }
}

}  // namespace

void scan_real_fused(const RealScanArgs& args) {
  // Workers take whole lane groups, at least kMinWorkPerThread mode-steps each.
  const int64_t groups = (args.D + kLanes - 1) / kLanes;
  const int64_t per_group = std::max<int64_t>(1, args.L * args.N * kLanes);
  parallel_for(groups, std::max<int64_t>(1, kMinWorkPerThread / per_group), [&args](int64_t g0, int64_t g1, int) {
    scan_block(args, g0 * kLanes, std::min(args.D, g1 * kLanes));
  });
}

}  // namespace seqscope::compute
