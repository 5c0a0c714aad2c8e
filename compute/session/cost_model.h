// Cost model: FLOPs and memory bytes of the SSM and attention layers as functions of
// L, D, N, H, dh, and the memory each keeps while generating (the SSM's constant state vs the
// KV cache that grows with t). Counting rules and every formula are in docs/math.md:
// a multiply or an add is one FLOP, exp/log/softplus/silu count as one op each, float32 is 4
// bytes, complex64 8; "bytes" is the traffic of a fused kernel that reads its inputs and
// parameters once and writes its outputs once (state and probabilities stay on chip).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "compute/session/session.h"

namespace seqscope::compute {

struct CostTerm {
  std::string op;  // "projections", "scan", "scores", ...
  double flops = 0.0;
  double bytes = 0.0;
};

struct LayerCost {
  std::vector<CostTerm> terms;
  double flops = 0.0;               // sum of terms
  double bytes = 0.0;               // sum of terms
  double materialized_bytes = 0.0;  // what seqscope keeps for display: h [L, D, N] or probs [H, L, L]
  double state_bytes = 0.0;         // memory carried from step L-1 to step L (SSM state | KV cache)
};

// Mamba-2 head width P for D channels: 4 when D % 4 == 0, else 2 when even, else 1.
int mamba2_head_dim(int D);
// Whether an SSM config runs on complex modes (S4D / S6 with S4D-Lin, S4D-Inv or S4D-LegS).
bool ssm_is_complex(const SsmConfig& cfg);
// Recurrent state an SSM carries between steps, independent of t: D N values (complex: x2)
// plus the conv window D (W - 1).
double ssm_state_bytes(const SsmConfig& cfg, int D);
LayerCost ssm_cost(const SsmConfig& cfg, int L, int D);

// Number of (query t, key s) pairs the mask allows: causal L(L+1)/2, none L^2, window
// sum_t min(t+1, window).
int64_t attention_pairs(MaskKind mask, int window, int L);
// Bytes the attention layer keeps after step t (0-based) of a length-L sequence: keys and
// values of the positions a later query may still need (softmax, lag), or the constant
// linear-attention state S [dh, dh] and z [dh] per head.
double kv_cache_bytes(const AttentionConfig& cfg, int t, int L);
LayerCost attention_cost(const AttentionConfig& cfg, int L, int D);

}  // namespace seqscope::compute
