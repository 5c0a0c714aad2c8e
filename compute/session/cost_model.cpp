// Cost model formulas (see cost_model.h and docs/math.md, "Cost model"). Each term is written
// as the count of one operation per element times the number of elements.
#include "compute/session/cost_model.h"

#include <algorithm>


namespace seqscope::compute {

namespace {

constexpr double kF32 = 4.0;

LayerCost total(std::vector<CostTerm> terms) {
  LayerCost c;
  for (const CostTerm& t : terms) {
    c.flops += t.flops;
    c.bytes += t.bytes;
  }
  c.terms = std::move(terms);
  return c;
}

}  // namespace

int mamba2_head_dim(int D) {
  if (D % 4 == 0) return 4;
  if (D % 2 == 0) return 2;
  return 1;
}

bool ssm_is_complex(const SsmConfig& cfg) {
  const bool diagonal_complex = cfg.init == SsmInit::S4DLin || cfg.init == SsmInit::S4DInv || cfg.init == SsmInit::HippoLegs;
  return (cfg.variant == SsmVariant::S4D || cfg.variant == SsmVariant::S6) && diagonal_complex;
}

double ssm_state_bytes(const SsmConfig& cfg, int D) {
  const double value_bytes = ssm_is_complex(cfg) ? 2 * kF32 : kF32;
  const double conv = cfg.conv_width > 0 ? static_cast<double>(D) * (cfg.conv_width - 1) * kF32 : 0.0;
  return static_cast<double>(D) * cfg.state_size * value_bytes + conv;
}

LayerCost ssm_cost(const SsmConfig& cfg, int L_in, int D_in) {
  const double L = L_in, D = D_in, N = cfg.state_size;
  const bool complex = ssm_is_complex(cfg);
  const bool selective = cfg.variant == SsmVariant::S6 || cfg.variant == SsmVariant::Mamba2;
  const bool dense = cfg.variant == SsmVariant::Dense || cfg.variant == SsmVariant::Shift;
  const double directions = cfg.bidirectional ? 2.0 : 1.0;
  const double G = cfg.variant == SsmVariant::Mamba2 ? D / mamba2_head_dim(D_in) : D;  // delta columns
  std::vector<CostTerm> terms;
  if (cfg.conv_width > 0)  // W multiply-adds + bias + silu per (t, d)
    terms.push_back({"conv", L * D * (2.0 * cfg.conv_width + 2.0), kF32 * (2 * L * D + D * (cfg.conv_width + 1.0))});
  if (selective)  // delta = softplus(u W_delta + b), B = u W_B, C = u W_C
    terms.push_back({"projections", L * (2 * D * G + 2 * G + 4 * D * N), kF32 * (D * G + G + 2 * D * N + L * (G + 2 * N))});
  // Discretization: selective per (t, d, n): delta*A, exp, delta*B (3); LTI once per (d, n);
  // dense ZOH: a matrix exponential per channel, ~ 20 N^3 (Pade 13 + squarings).
  // The shift register is born discrete: nothing to compute.
  const bool shift = cfg.variant == SsmVariant::Shift;
  const double disc = shift ? 0.0 : selective ? 3.0 * L * D * N : dense ? 20.0 * D * N * N * N : 6.0 * D * N;
  terms.push_back({"discretize", disc, kF32 * (selective ? D * N : dense ? D * N * N : 3 * D * N)});
  // Scan per (t, d): diagonal h = Abar h + Bbar u and y += C h: 5 per mode (complex: 14);
  // dense: N^2 multiply-adds for Abar h plus 4N.
  const double per_step = dense ? 2.0 * N * N + 4.0 * N : (complex ? 14.0 : 5.0) * N;
  const double scan_bytes = kF32 * (2 * L * D + (selective ? 0.0 : (dense ? D * N * N : D * N * (complex ? 4 : 3))));
  terms.push_back({"scan", directions * L * D * (per_step + 2.0), directions * scan_bytes});
  if (cfg.gate)  // z = u W_z, silu, multiply
    terms.push_back({"gate", L * (2 * D * D + 2 * D), kF32 * (D * D + 2 * L * D)});
  LayerCost c = total(std::move(terms));
  c.materialized_bytes = directions * L * D * N * (complex ? 2 * kF32 : kF32);
  c.state_bytes = ssm_state_bytes(cfg, D_in);
  return c;
}

int64_t attention_pairs(MaskKind mask, int window, int L) {
  const int64_t l = L;
  switch (mask) {
    case MaskKind::Causal: return l * (l + 1) / 2;
    case MaskKind::None: return l * l;
    case MaskKind::Window: {
      const int64_t w = std::max(1, window);
      if (l <= w) return l * (l + 1) / 2;
      return w * (w + 1) / 2 + (l - w) * w;  // rows t < w see t+1 keys, later rows w keys
    }
  }
  return 0;
}

double kv_cache_bytes(const AttentionConfig& cfg, int t, int L) {
  const double per_position = 2.0 * cfg.heads * cfg.head_dim * kF32;  // one key and one value per head
  switch (cfg.kind) {
    case AttentionKind::Linear:
      return cfg.heads * (static_cast<double>(cfg.head_dim) * cfg.head_dim + cfg.head_dim) * kF32;
    case AttentionKind::Lag:  // an ordinary causal head whose scores happen to be one-hot
      return per_position * (t + 1);
    case AttentionKind::Softmax:
      switch (cfg.mask) {
        case MaskKind::Causal: return per_position * (t + 1);
        case MaskKind::Window: return per_position * std::min(t + 1, cfg.window);
        case MaskKind::None: return per_position * L;  // every query needs every key
      }
  }
  return 0.0;
}

LayerCost attention_cost(const AttentionConfig& cfg, int L_in, int D_in) {
  const double L = L_in, D = D_in, H = cfg.heads, dh = cfg.head_dim;
  const double mask_pairs = static_cast<double>(attention_pairs(cfg.mask, cfg.window, L_in));
  std::vector<CostTerm> terms;
  const double projected = cfg.kind == AttentionKind::Lag ? 1.0 : 3.0;  // the lag head needs only v
  terms.push_back({"projections", projected * 2 * L * D * H * dh, kF32 * (L * D + projected * (D * H * dh + L * H * dh))});
  if (cfg.positional == Positional::Rope && cfg.kind != AttentionKind::Lag)
    terms.push_back({"rope", 2 * 3 * L * H * dh, 0.0});  // per pair: 4 multiplies, 2 adds
  if (cfg.positional == Positional::Sinusoidal) terms.push_back({"positions", L * D, 0.0});
  const double io = kF32 * (3 * L * H * dh + L * H * dh);  // read q, k, v, write out
  LayerCost c;
  switch (cfg.kind) {
    case AttentionKind::Softmax:
      // Per allowed pair and head: q.k (2 dh), scale + bias + max + exp + sum (5), p v (2 dh).
      terms.push_back({"attention", H * mask_pairs * (4 * dh + 5), io});
      c = total(std::move(terms));
      c.materialized_bytes = H * L * L * kF32;
      break;
    case AttentionKind::Linear:
      // Recurrent form per step and head: phi(q), phi(k) (2 dh), S += phi(k) v^T (2 dh^2),
      // z += phi(k) (dh), phi(q)^T S (2 dh^2), phi(q).z (2 dh), divide (dh).
      terms.push_back({"attention", H * L * (4 * dh * dh + 6 * dh), io});
      c = total(std::move(terms));
      c.materialized_bytes = H * L * L * kF32;  // the normalized weights seqscope shows
      break;
    case AttentionKind::Lag:
      terms.push_back({"attention", 0.0, kF32 * 2 * L * H * dh});  // a gather: read v, write out
      c = total(std::move(terms));
      c.materialized_bytes = H * L * L * kF32;
      break;
  }
  c.state_bytes = kv_cache_bytes(cfg, L_in - 1, L_in);
  return c;
}

}  // namespace seqscope::compute
