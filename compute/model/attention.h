// Causal multi-head softmax attention with optional RoPE, on already projected q, k, v (the
// `*` block's q_proj, k_proj, v_proj and o_proj are linear ops around it). Head h owns the
// columns h*dh .. (h+1)*dh - 1, dh = d / H. Per head:
//   q', k' = rope(q), rope(k)                    (HF Llama's rotate-half, within each head)
//   scores = q' k'^T / sqrt(dh) + causal mask,   probs = softmax(scores) per row
//   out = probs v
// RoPE (rope_theta > 0), for position t and i < dh/2, with angle t * theta^(-2i/dh):
//   x'[i] = x[i] cos - x[i + dh/2] sin,   x'[i + dh/2] = x[i + dh/2] cos + x[i] sin
// i.e. x * cos + rotate_half(x) * sin with cos, sin = cat(freqs, freqs). The angles are
// computed in double and rounded once to T.
#pragma once
#include <vector>

#include "compute/model/op_types.h"

namespace seqscope::compute::model {

template <typename T>
struct AttentionAct {
  int n_heads = 0;
  Mat<T> q, k;                // [L, d] after RoPE (the inputs when there is none)
  std::vector<Mat<T>> probs;  // [H] x [L, L]: exact 0 above the diagonal
  Mat<T> cos, sin;            // [L, dh / 2]: the RoPE tables (empty without RoPE)
};

template <typename T>
struct AttentionGrads {
  Mat<T> q, k, v;  // [L, d]
};

// q, k, v: [L, d], n_heads: H dividing d, rope_theta: 0 = no RoPE (else dh must be even)
// -> out: [L, d]
template <typename T>
Mat<T> attention_forward(const Mat<T>& q, const Mat<T>& k, const Mat<T>& v, int n_heads, double rope_theta,
                         AttentionAct<T>& act);

// dout: [L, d], v: [L, d] (the forward's), act -> dq, dk, dv: [L, d]. Per head:
//   dv = probs^T dout,  dprobs = dout v^T,  dscores = probs * (dprobs - rowsum(probs * dprobs)),
//   dq' = dscores k' / sqrt(dh),  dk' = dscores^T q' / sqrt(dh),  then back through the rotation
//   (its transpose: the rotation by -angle).
template <typename T>
AttentionGrads<T> attention_backward(const Mat<T>& dout, const Mat<T>& v, const AttentionAct<T>& act);

}  // namespace seqscope::compute::model
