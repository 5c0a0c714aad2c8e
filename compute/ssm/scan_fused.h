// The fused diagonal scan for real modes: discretization, state update and readout in one
// pass over [L, D, N], state kept in cache, threads over channels, N vectorized. The Eigen
// backend runs every real diagonal model through it (S6, Mamba-2, real S4D, with mamba or zoh
// discretization); `seqscope bench` times the same entry point. Abar, Bbar and h are written
// only when the caller asks for them (the dashboard shows them; a model layer would not).
#pragma once
#include "compute/session/session.h"
#include "compute/ssm/ssm_scan.h"
#include "core/types.h"

namespace seqscope::compute {

struct RealScanArgs {
  int64_t L = 0, D = 0, N = 0;
  const float* u = nullptr;      // [L, D]
  const float* delta = nullptr;  // [L, D] step after softplus
  const float* A = nullptr;      // [D, N] real diagonal modes
  const float* B = nullptr;      // [L, N] (b_rows Step) or [D, N] (Channel)
  const float* C = nullptr;      // [L, N] (c_rows Step) or [D, N] (Channel)
  const float* Dskip = nullptr;  // [D]
  RowsPer b_rows = RowsPer::Step;
  RowsPer c_rows = RowsPer::Step;
  Discretization method = Discretization::Mamba;
  // LTI: delta, B and C are per channel (delta's row 0 serves every t), so Abar and Bbar are
  // discretized once per mode with discretize_mode_real, bit-identical to discretize_diagonal.
  bool lti = false;
  float* y = nullptr;           // [L, D] out: sum_n C h + Dskip u
  Complex* h = nullptr;         // [L, D, N] out, optional
  Complex* Abar = nullptr;      // [L, D, N] out, optional
  Complex* Bbar = nullptr;      // [L, D, N] out, optional (includes B)
};

// Discretizations the fused scan implements (Abar = exp(delta A)): mamba and zoh.
bool fused_scan_supports(Discretization method);

// h_t = Abar_t h_{t-1} + Bbar_t u_t, y_t = sum_n C_t h_t + Dskip u_t, with Abar, Bbar from
// (A, delta, B) as discretize_mode_real defines them, in float with a float vector exp (within
// 2 ulp of the double-rounded one); the readout sums in double like scan_diagonal.
void scan_real_fused(const RealScanArgs& args);

}  // namespace seqscope::compute
