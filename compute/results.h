// Results: everything one backend run computes for a Session, as plain CPU tensors. Panels
// read these (and the cursor t) and never recompute; tensor_export.cpp writes them as .npy.
// Complex-capable quantities (A, C, Abar, Bbar, h, eigenvalues) are complex; their imaginary
// parts are exactly 0 for real models (is_complex false).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "inputs.h"
#include "map_overview.h"
#include "session.h"
#include "ssm_init.h"
#include "types.h"

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

// Two real models whose tokenizers split the same text differently (a Mamba and a GPT-2
// folder): the attention panels read the second model's own tokens. The cursor t stays an index
// into Results::inputs and maps across by text offset: to the token that covers t's first byte.
struct TokenAlignment {
  Inputs other;                 // the attention panels' tokens (labels, ids, text_offsets; u = the layer input)
  std::vector<int> to_other;    // [L]  t -> the other's token covering t's first byte
  std::vector<int> from_other;  // [L2] s -> the token of `inputs` covering s's first byte
  bool active() const { return !to_other.empty(); }
  // The other's token shown at cursor t: `pick` (a token the user chose on that side) while it
  // still maps to t, else the one covering t's first byte.
  int other_at(int t, int pick) const {
    if (to_other.empty()) return t;
    t = t < 0 ? 0 : t >= static_cast<int>(to_other.size()) ? static_cast<int>(to_other.size()) - 1 : t;
    if (pick >= 0 && pick < static_cast<int>(from_other.size()) && from_other[static_cast<size_t>(pick)] == t) return pick;
    return to_other[static_cast<size_t>(t)];
  }
};

struct Results {
  Session session;
  Inputs inputs;
  TokenAlignment attention_tokens;  // active(): the attention panels have their own tokens
  Matrix logits;                    // [L, V] a real model's next-token logits (`export --model`); empty otherwise
  SsmResults ssm;
  AttentionResults attention;
  std::string backend;                  // "eigen", "vulkan"
  std::map<std::string, double> timings_ms;  // op -> milliseconds
};

// Real parts of a complex tensor (what most panels draw).
inline Tensor real_part(const TensorC& x) {
  Tensor out(x.shape);
  for (size_t i = 0; i < x.data.size(); ++i) out.data[i] = x.data[i].real();
  return out;
}

}  // namespace seqscope::compute
