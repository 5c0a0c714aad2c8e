// SSM parameters for every variant, built deterministically from a Session (seed, sizes,
// init). The hand-built teaching models (the shift register) are built here too.
// docs/math.md lists every initialization with its source.
#pragma once
#include <cstdint>

#include "compute/session/session.h"
#include "core/types.h"

namespace seqscope::compute {

struct SsmParams {
  SsmVariant variant = SsmVariant::S6;
  int D = 0;  // channels
  int N = 0;  // state size (complex modes when A is complex)
  bool selective = false;   // S6, Mamba2: delta, B, C depend on u_t
  bool dense = false;       // Dense, Shift: A is a full [N, N] matrix shared by channels
  bool is_complex = false;  // diagonal A has an imaginary part: y = 2 Re(sum_n C h) + D u
  bool discrete_time = false;  // Shift: A is already the discrete Abar; no delta, no eigenvalues of A

  MatrixC A;       // [D, N] diagonal continuous A (S4D, S6, Mamba2; Mamba2 repeats a_h)
  Matrix A_dense;  // [N, N] (Dense: continuous A; Shift: the shift matrix, used as Abar)
  Matrix B;        // [D, N] LTI input matrix (rows equal for HiPPO and the shift register)
  MatrixC C;       // [D, N] LTI readout (complex for complex A)
  Vector Dskip;    // [D] skip
  Vector dt;       // [D] LTI step per channel, log-uniform in [dt_min, dt_max]

  // Selective projections: delta = softplus(u W_delta + b_delta), B_t = u_t W_B, C_t = u_t W_C.
  Matrix W_delta;  // [D, D] (S6) or [D, n_heads] (Mamba2)
  Vector b_delta;  // [D] or [n_heads]; inverse softplus of a log-uniform dt
  Matrix W_B;      // [D, N]
  Matrix W_C;      // [D, N]
  int n_heads = 0;   // Mamba2 heads: channels h*P .. h*P+P-1 share a_h and delta
  int head_dim = 0;  // Mamba2 P

  // Block around the scan (any variant): causal depthwise conv + SiLU before, SiLU gate after.
  int conv_width = 0;
  Matrix conv_weight;  // [D, conv_width]; tap conv_width-1 multiplies u_t, tap 0 u_{t-W+1}
  Vector conv_bias;    // [D]
  bool gate = false;
  Matrix W_z;  // [D, D]: z = u W_z on the block input (before the conv)
};

// Builds the parameters of session.ssm for D = session.d_model channels; UserError on sizes
// the math cannot take (N < 1, D < 1, dt range not positive).
SsmParams make_ssm_params(const Session& session);

// Continuous diagonal eigenvalues for an init: [N] (S4D-Lin, S4D-Inv, S4D-Real, S4D-LegS).
// Random is drawn per channel in make_ssm_params, not here.
VectorC diagonal_init(SsmInit init, int N);
// HiPPO-LegS: A: [N, N] lower triangular, B: [N] (Gu et al. 2020, 2022).
Matrix hippo_legs_A(int N);
Vector hippo_legs_B(int N);
// ssm.delta_init = data_tokens: W_delta [D, G] and b_delta [G] such that a one-hot task token
// gives delta = dt_max (to float rounding) in all G columns when it is a data symbol (id >= 4)
// and dt_min when it is a reserved id (blank, $, |, ?). G = D (S6) or the Mamba-2 heads.
void data_token_delta(const SsmConfig& cfg, int D, int G, Matrix& W_delta, Vector& b_delta);
// Inverse of softplus, log(exp(x) - 1), written as Mamba's dt_proj.bias init.
double inverse_softplus(double x);

}  // namespace seqscope::compute
