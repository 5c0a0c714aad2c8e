// AttentionResults: everything one attention layer computes for a Session, as plain CPU
// tensors (part of compute::Results, compute/backend/results.h).
#pragma once
#include <vector>

#include "compute/session/map_overview.h"
#include "core/types.h"

namespace seqscope::compute {

struct AttentionResults {
  int L = 0, H = 0, dh = 0;
  Matrix W_q, W_k, W_v;  // [D, H*dh]
  Vector alibi_slopes;   // [H] (Alibi only)
  Tensor q, k, v;        // [H, L, dh] (q, k after RoPE)
  Tensor scores;         // [H, L, L] logits incl. scale, temperature and ALiBi; -inf where masked
  Tensor probs;          // [H, L, L] softmax (linear: the normalized weights; lag: one-hot)
  // L > session.full_map_max_length: scores and probs stay empty and probs is kept pooled,
  // [H, P, P] (map_overview.h); attention_probs_row gives any row exactly.
  MapOverview probs_overview;
  bool pooled() const { return !probs_overview.empty(); }
  Tensor out;            // [H, L, dh]
  std::vector<double> kv_cache_bytes;  // [L] bytes the layer keeps after step t
};

}  // namespace seqscope::compute
