// SsmResults: everything one SSM layer computes for a Session, as plain CPU tensors (part of
// compute::Results, compute/backend/results.h). Complex-capable quantities (A, C, Abar, Bbar, h,
// eigenvalues) are complex; their imaginary parts are exactly 0 for real models (is_complex false).
#pragma once
#include <vector>

#include "compute/session/map_overview.h"
#include "compute/ssm/ssm_init.h"
#include "core/types.h"

namespace seqscope::compute {

struct SsmResults {
  SsmParams params;  // the weights that produced everything below
  int L = 0, D = 0, N = 0;
  bool is_complex = false;  // y = 2 Re(sum_n C h) + D u
  bool lti = false;         // S4D, Dense, Shift: kernel is filled, hidden attention is Toeplitz
  bool dense = false;       // Dense, Shift: Abar is [D, N, N], Bbar [D, N]
  bool bidirectional = false;
  bool gated = false;

  Matrix u;        // [L, D] scan input (after the conv + SiLU when conv_width > 0)
  Matrix delta;    // [L, D] step after softplus (LTI: dt repeated; Shift: ones)
  MatrixC A;       // [D, N] diagonal, or [N, N] dense (Shift: the shift matrix itself)
  Matrix B;        // [L, N] selective, [D, N] LTI
  MatrixC C;       // [L, N] selective, [D, N] LTI (complex only for complex LTI)
  Vector Dskip;    // [D]
  TensorC Abar;    // [L, D, N] diagonal (LTI repeats along L); [D, N, N] dense
  TensorC Bbar;    // [L, D, N] diagonal; [D, N] dense (rank 2: shape {D, N})
  TensorC h;       // [L, D, N] forward state after step t
  TensorC h_bwd;   // [L, D, N] bidirectional only: backward state after it consumed u_{L-1}..u_t
  Matrix y;        // [L, D] y_ssm = sum_n C h + D u (bidirectional: fwd + flipped bwd), before the gate
  Matrix z;        // [L, D] gate input u_block W_z (gated only)
  Matrix y_gated;  // [L, D] y * silu(z) (gated only)
  Matrix kernel;   // [D, L] LTI only: K_k = C Abar^k Bbar (2 Re(...) when complex)

  std::vector<int> hidden_attention_channels;  // [C]
  Tensor hidden_attention;                     // [C, L, L] alpha_d (bidirectional: fwd + J bwd J)
  // L > session.full_map_max_length: hidden_attention stays empty and alpha is kept pooled,
  // [C, P, P] (map_overview.h); hidden_attention_row gives any row exactly.
  MapOverview hidden_attention_overview;
  bool pooled() const { return !hidden_attention_overview.empty(); }

  TensorC eig_continuous;  // [D, N] eigenvalues of A per channel (empty for Shift)
  // [L, D, N] eigenvalues of Abar per step (LTI repeats along L) for dense A; empty for
  // diagonal A, whose eigenvalues are Abar itself: read discrete_eigenvalues().
  TensorC eig_discrete;
  const TensorC& discrete_eigenvalues() const { return dense ? eig_discrete : Abar; }
  double max_abs_eig_discrete = 0.0;  // spectral radius of the worst Abar
  std::vector<int> unstable_channels;  // channels with some |eig(Abar)| > 1 (e.g. forward Euler)
  bool unstable() const { return !unstable_channels.empty(); }
};

// Real parts of a complex tensor (what most panels draw).
inline Tensor real_part(const TensorC& x) {
  Tensor out(x.shape);
  for (size_t i = 0; i < x.data.size(); ++i) out.data[i] = x.data[i].real();
  return out;
}

}  // namespace seqscope::compute
