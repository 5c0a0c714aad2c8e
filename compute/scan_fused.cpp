// scan_real_fused (scan_fused.h). Each worker owns a contiguous block of channels and their
// state [channels, N]; per step it reads one row of u and delta, so memory traffic is the
// [L, D] inputs and output plus whatever the caller asked to materialize.
#include "scan_fused.h"

#include <vector>

#include "parallel.h"

namespace seqscope::compute {

bool fused_scan_supports(Discretization method) {
  return method == Discretization::Mamba || method == Discretization::Zoh;
}

namespace {

using ArrayMap = Eigen::Map<Eigen::ArrayXf>;
using ConstArrayMap = Eigen::Map<const Eigen::ArrayXf>;

// Writes x: [N] as complex with imaginary part 0 at out.
void put_complex(const Eigen::ArrayXf& x, Complex* out) {
  for (Eigen::Index n = 0; n < x.size(); ++n) out[n] = Complex(x(n), 0.0f);
}

// Channels [d0, d1) over the whole sequence.
void scan_channels(const RealScanArgs& a, int64_t d0, int64_t d1) {
  const int64_t L = a.L, D = a.D, N = a.N;
  std::vector<float> state(static_cast<size_t>((d1 - d0) * N), 0.0f);  // h_{t-1} of each channel
  Eigen::ArrayXf abar(N), bbar(N), scale(N);
  const bool b_step = a.b_rows == RowsPer::Step, c_step = a.c_rows == RowsPer::Step;
  const bool zoh = a.method == Discretization::Zoh;
  for (int64_t t = 0; t < L; ++t) {
    for (int64_t d = d0; d < d1; ++d) {
      const float dt = a.delta[t * D + d], ut = a.u[t * D + d];
      const ConstArrayMap A_d(a.A + d * N, N);
      const ConstArrayMap b(a.B + (b_step ? t : d) * N, N);
      const ConstArrayMap c(a.C + (c_step ? t : d) * N, N);
      ArrayMap h(state.data() + (d - d0) * N, N);
      abar = (A_d * dt).exp();
      if (zoh) {
        // (exp(dt a) - 1) / a, and dt itself for a mode at a = 0.
        scale = (A_d == 0.0f).select(dt, (A_d * dt).expm1() / A_d);
        bbar = scale * b;
      } else {
        bbar = dt * b;
      }
      h = abar * h + bbar * ut;
      // Products of two floats are exact in double; only the additions round.
      const double acc = (c.cast<double>() * h.cast<double>()).sum();
      a.y[t * D + d] = static_cast<float>(acc) + a.Dskip[d] * ut;
      const int64_t at = (t * D + d) * N;
      if (a.h) put_complex(h, a.h + at);
      if (a.Abar) put_complex(abar, a.Abar + at);
      if (a.Bbar) put_complex(bbar, a.Bbar + at);
    }
  }
}

}  // namespace

void scan_real_fused(const RealScanArgs& args) {
  // A thread start costs ~20 us: give each worker at least ~64k mode-steps.
  const int64_t per_channel = std::max<int64_t>(1, args.L * args.N);
  const int64_t min_channels = std::max<int64_t>(1, 65536 / per_channel);
  parallel_for(args.D, min_channels, [&args](int64_t d0, int64_t d1, int) { scan_channels(args, d0, d1); });
}

}  // namespace seqscope::compute
