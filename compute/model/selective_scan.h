// The selective scan (S6) of mamba_simple.Mamba, with the semantics of the public reference
// `selective_scan_ref(u, delta, A, B, C, D, z, delta_bias, delta_softplus=True)` for real A:
//   delta = softplus(delta_raw + delta_bias)            (torch's softplus: x above 20 stays x)
//   A = -exp(A_log)                                     (so the gradient reaches A_log)
//   h_t = exp(delta_t A) h_{t-1} + delta_t B_t u_t,  h_{-1} = 0    (h_t: [di, N])
//   y_t = sum_n h_t C_t + D u_t
//   out = y * silu(z)
//
// Memory: the forward keeps the state only at chunk starts (h entering steps 0, chunk,
// 2 chunk, ...; [ceil(L / chunk), di, N]) instead of h for all [L, di, N]. The backward walks
// the chunks last to first, recomputes the chunk's states from its checkpoint (the same
// arithmetic as the forward, so the same numbers), then runs the reverse recurrence through
// it. This is what the reference CUDA kernel does (its forward saves the state at the end of
// each chunk of up to 2048 steps, its backward rescans the chunk). Cost: one more forward scan.
#pragma once
#include <vector>

#include "compute/model/op_types.h"

namespace seqscope::compute::model {

template <typename T>
struct SelectiveScanInputs {
  const Mat<T>& u;           // [L, di]
  const Mat<T>& delta_raw;   // [L, di]: dt_proj(x) without its bias
  const Vec<T>& delta_bias;  // [di]: dt_proj's bias
  const Mat<T>& A_log;       // [di, N]
  const Mat<T>& B;           // [L, N]
  const Mat<T>& C;           // [L, N]
  const Vec<T>& D;           // [di]
  const Mat<T>& z;           // [L, di]: the gate
  // Inference only (the dashboard's state reset): the state is set to 0 right after this step,
  // so y there is D u and later steps start from nothing. -1: no reset. The backward refuses it.
  int reset_after = -1;
};

template <typename T>
struct SelectiveScanAct {
  int chunk = 0;
  Mat<T> delta;                 // [L, di] after the softplus
  Mat<T> y;                     // [L, di] before the gate
  std::vector<Mat<T>> h_start;  // [ceil(L / chunk)] x [di, N]: h entering step k * chunk
};

// The gradients of the per-step inputs, returned by the backward.
template <typename T>
struct SelectiveScanGrads {
  Mat<T> u, delta_raw, B, C, z;  // shaped as the inputs
};

// The parameters' gradients, accumulated (+=) by the backward.
template <typename T>
struct SelectiveScanParamGrads {
  Vec<T>& delta_bias;  // [di]
  Mat<T>& A_log;       // [di, N]
  Vec<T>& D;           // [di]
};

constexpr int kScanChunk = 64;

// delta_raw: [L, di], delta_bias: [di] -> delta = softplus(delta_raw + delta_bias): [L, di],
// the forward's first step (for callers that show delta or hand it to another scan).
template <typename T>
Mat<T> selective_scan_delta(const Mat<T>& delta_raw, const Vec<T>& delta_bias);

// in (shapes above), chunk >= 1 -> out: [L, di]
template <typename T>
Mat<T> selective_scan_forward(const SelectiveScanInputs<T>& in, int chunk, SelectiveScanAct<T>& act);

// dout: [L, di], in and act of the forward -> d u, delta_raw, B, C, z; grads += d delta_bias,
// A_log, D. The reverse recurrence, g_t = dL/dh_t:
//   g_t = dy_t C_t + exp(delta_{t+1} A) g_{t+1}
//   d delta_t = sum_n g_t (A exp(delta_t A) h_{t-1} + B_t u_t),  dA += g_t delta_t exp(delta_t A) h_{t-1}
//   dB_t = sum_c g_t delta_t u_t,  du_t = sum_n g_t delta_t B_t + D dy_t,  dC_t = sum_c dy_t h_t
template <typename T>
SelectiveScanGrads<T> selective_scan_backward(const Mat<T>& dout, const SelectiveScanInputs<T>& in,
                                              const SelectiveScanAct<T>& act,
                                              SelectiveScanParamGrads<T> grads);

}  // namespace seqscope::compute::model
