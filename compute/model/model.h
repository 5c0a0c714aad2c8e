// The whole model on ONE sequence, built from the ops (docs/training.md, "The model"):
//   x = embedding[tokens]                                        x: [L, d]
//   per layer i:  x += mixer_i(rmsnorm(x, norm_i))               mixer by pattern[i]: M S * -
//   logits = rmsnorm(x, norm_f) embedding^T                      logits: [L, V] (tied head)
// The mixers:
//   M  xz = in_proj(x) -> x_in, z [L, di] each;  u = silu(conv1d(x_in));
//      (dt [L, R], B [L, N], C [L, N]) = x_proj(u);  delta_raw = dt dt_proj.weight^T;
//      y = selective_scan(u, delta_raw, delta_bias = dt_proj.bias, A_log, B, C, D, z);  out_proj(y)
//   S  the same without x_proj / dt_proj: y = lti_scan(u, log_dt, A_log, B, C, D, z)
//   *  out = o_proj(attention(q_proj(x), k_proj(x), v_proj(x), n_heads, rope_theta))
//   -  out = down_proj(gelu(up_proj(x)))
// forward keeps what backward needs in ModelActivations; backward ADDS each parameter's
// gradient into a Parameters of the same shapes (so a batch sums by calling it per sequence).
#pragma once
#include <span>
#include <vector>

#include "compute/model/attention.h"
#include "compute/model/conv1d.h"
#include "compute/model/cross_entropy.h"
#include "compute/model/lti_scan.h"
#include "compute/model/params.h"
#include "compute/model/rmsnorm.h"
#include "compute/model/selective_scan.h"

namespace seqscope::compute::model {

// What one layer's forward keeps. Only the fields of its kind are filled.
template <typename T>
struct LayerAct {
  int reset_after = -1;  // M and S: the scan's state reset (StateReset), -1 none
  Mat<T> x;       // [L, d]: the residual stream entering the layer
  Mat<T> normed;  // [L, d]: rmsnorm(x), the mixer's input
  RmsNormAct<T> norm;
  Mat<T> out;  // [L, d]: the mixer's output (added to x)
  // M and S
  Mat<T> x_in, z;  // [L, di]: in_proj's two halves
  Mat<T> u;        // [L, di]: silu(conv1d(x_in)), the scan's input
  Conv1dAct<T> conv;
  Mat<T> y;  // [L, di]: the gated scan output, out_proj's input
  // M
  Mat<T> dt, B, C;   // [L, R], [L, N], [L, N]: x_proj's three parts
  Mat<T> delta_raw;  // [L, di]
  SelectiveScanAct<T> scan;
  // S
  LtiScanAct<T> lti;
  // *
  Mat<T> q, k, v, attn;  // [L, d]: projections and the heads' output (o_proj's input)
  AttentionAct<T> attention;
  // -
  Mat<T> hidden, gelu;  // [L, d_ff]: up_proj's output and its GELU
};

template <typename T>
struct ModelActivations {
  std::vector<int> tokens;  // [L]
  std::vector<LayerAct<T>> layers;
  Mat<T> x_final;  // [L, d]: the residual stream after the last layer
  Mat<T> normed;   // [L, d]: rmsnorm(x_final, norm_f), the head's input
  RmsNormAct<T> norm_f;
};

// An intervention for inference (the dashboard's "reset the state at t"): in the `M` or `S`
// layer `layer`, the scan's state is set to 0 right after step `step` (h_step := 0). The
// backward refuses activations made with one.
struct StateReset {
  int layer = -1;  // -1: none
  int step = -1;
};

// tokens: [L] in [0, V) (UserError otherwise), L >= 1 -> logits: [L, V]. `chunk`: the scans'
// checkpoint interval (selective_scan.h); the results do not depend on it. `reset`: UserError
// when its layer is not an `M` or `S` layer or its step is outside [0, L).
template <typename T>
Mat<T> model_forward(const Parameters<T>& params, std::span<const int> tokens, ModelActivations<T>& act,
                     int chunk = kScanChunk, StateReset reset = {});

// dlogits: [L, V] -> grads += dL/d every parameter (grads shaped like params: zeros_like).
template <typename T>
void model_backward(const Parameters<T>& params, const ModelActivations<T>& act, const Mat<T>& dlogits,
                    Parameters<T>& grads);

// Forward, cross-entropy over the targeted positions (targets [L], -1 = no loss there),
// backward with dloss: grads += dloss * d loss / d params. Returns the loss, count and hits.
template <typename T>
CrossEntropyResult loss_and_gradients(const Parameters<T>& params, std::span<const int> tokens,
                                      std::span<const int> targets, Parameters<T>& grads, T dloss = T(1),
                                      int chunk = kScanChunk);

// The loss alone (no activations kept beyond the call).
template <typename T>
CrossEntropyResult model_loss(const Parameters<T>& params, std::span<const int> tokens,
                              std::span<const int> targets, int chunk = kScanChunk);

}  // namespace seqscope::compute::model
