// The LTI diagonal scan (S4D, ZOH) of the `S` block: mamba_simple's block with delta, B and C
// input-independent ("S4 in the Mamba architecture"), per channel c and mode n:
//   delta = exp(log_dt),  A = -exp(A_log)
//   Abar = exp(delta A),  Bbar = (Abar - 1) / A * B                      (exact ZOH, diagonal A)
//   h_t = Abar h_{t-1} + Bbar u_t,  h_{-1} = 0,  y_t = sum_n C h_t + D u_t,  out = y * silu(z)
// Memory as the selective scan (selective_scan.h): states kept at chunk starts only, and
// recomputed chunk by chunk in the backward.
#pragma once
#include <vector>

#include "compute/model/op_types.h"

namespace seqscope::compute::model {

template <typename T>
struct LtiScanInputs {
  const Mat<T>& u;       // [L, di]
  const Vec<T>& log_dt;  // [di]
  const Mat<T>& A_log;   // [di, N]
  const Mat<T>& B;       // [di, N]
  const Mat<T>& C;       // [di, N]
  const Vec<T>& D;       // [di]
  const Mat<T>& z;       // [L, di]: the gate
  // Inference only (the dashboard's state reset): the state is set to 0 right after this step,
  // so y there is D u and later steps start from nothing. -1: no reset. The backward refuses it.
  int reset_after = -1;
};

template <typename T>
struct LtiScanAct {
  int chunk = 0;
  Mat<T> Abar;                  // [di, N]
  Mat<T> Bbar;                  // [di, N]
  Mat<T> y;                     // [L, di] before the gate
  std::vector<Mat<T>> h_start;  // [ceil(L / chunk)] x [di, N]: h entering step k * chunk
};

// The gradients of the per-step inputs, returned by the backward.
template <typename T>
struct LtiScanGrads {
  Mat<T> u, z;  // [L, di]
};

// The parameters' gradients, accumulated (+=) by the backward.
template <typename T>
struct LtiScanParamGrads {
  Vec<T>& log_dt;  // [di]
  Mat<T>& A_log;   // [di, N]
  Mat<T>& B;       // [di, N]
  Mat<T>& C;       // [di, N]
  Vec<T>& D;       // [di]
};

// in (shapes above), chunk >= 1 -> out: [L, di]
template <typename T>
Mat<T> lti_scan_forward(const LtiScanInputs<T>& in, int chunk, LtiScanAct<T>& act);

// dout: [L, di], in and act of the forward -> du, dz; grads += d log_dt, A_log, B, C, D.
// With g_t = dL/dh_t = dy_t C + Abar g_{t+1}: dAbar = sum_t g_t h_{t-1}, dBbar = sum_t g_t u_t,
// dC = sum_t dy_t h_t, du_t = sum_n g_t Bbar + D dy_t; then through Abar = exp(delta A) and
// E = expm1(delta A) / A (Bbar = E B): dE/d delta = Abar, dE/dA = (delta Abar - E) / A.
template <typename T>
LtiScanGrads<T> lti_scan_backward(const Mat<T>& dout, const LtiScanInputs<T>& in, const LtiScanAct<T>& act,
                                  LtiScanParamGrads<T> grads);

}  // namespace seqscope::compute::model
