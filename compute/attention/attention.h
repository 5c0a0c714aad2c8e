// The attention layer on the Eigen reference: projections, positional schemes (sinusoidal,
// RoPE, ALiBi), masks (causal, none, sliding window), softmax attention, linear attention
// (Katharopoulos et al. 2020) in parallel and recurrent form, and the hand-built lag head.
// Per head, q, k, v are [L, dh]; the layer stacks heads into [H, L, dh] tensors.
#pragma once
#include <vector>

#include "compute/attention/attention_results.h"
#include "compute/session/session.h"
#include "core/types.h"

namespace seqscope::compute {

// u: [L, D] -> AttentionResults (q, k, v, scores, probs, out, kv_cache_bytes). UserError on a
// bad size (heads, head_dim, window, lag < 1; temperature <= 0).
AttentionResults run_attention(const Session& session, const Matrix& u, Timings& timings);
// The layer's inputs, shared by every backend: checks the config, fills W_q, W_k, W_v,
// alibi_slopes, q, k (after RoPE), v and kv_cache_bytes; scores, probs, out stay empty.
AttentionResults attention_projections(const Session& session, const Matrix& u);
// Head h of a [H, L, dh] tensor as an [L, dh] matrix.
Matrix attention_head(const Tensor& x, int h);

// -> [L, D]: PE[t, 2i] = sin(t / 10000^(2i/D)), PE[t, 2i+1] = cos(t / 10000^(2i/D))
Matrix sinusoidal_positions(int L, int D);
// x: [L, dh] -> x rotated in place: pair (2i, 2i+1) of row t by angle t * base^(-2i/dh).
// An odd dh leaves the last column as is.
void apply_rope(Matrix& x, double base = 10000.0);
// ALiBi slopes for H heads (Press et al. 2022): 2^(-8(h+1)/H) for a power of two H, else
// the reference's interleaving of the next power of two.
std::vector<double> alibi_slopes(int H);
// Whether query t may attend to key s.
bool mask_allows(MaskKind mask, int window, int t, int s);

// q, k, v: [L, dh] -> scores: [L, L] (-inf where masked), probs: [L, L] (exact 0 where
// masked, rows sum to 1), out: [L, dh]. scores = q k^T / (sqrt(dh) temperature) - slope |t - s|.
void softmax_attention(const Matrix& q, const Matrix& k, const Matrix& v, MaskKind mask, int window,
                       double temperature, double alibi_slope, Matrix& scores, Matrix& probs, Matrix& out);

// Same into caller memory: scores_out, probs_out: [L, L] row-major, every element written
// once; query rows run in blocks on worker threads (the path the Eigen backend takes).
void softmax_attention_into(const Matrix& q, const Matrix& k, const Matrix& v, MaskKind mask, int window,
                            double temperature, double alibi_slope, float* scores_out, float* probs_out, Matrix& out);

// Query rows [t0, t1) of head h's probs map, computed from a.q, a.k as run_attention computes
// the whole map (same block product, softmax and normalizers): rows: [t1 - t0, L]. What the
// overview path pools, and what panels show as the exact row next to an overview.
void attention_probs_rows(const AttentionResults& a, const AttentionConfig& cfg, int h, int t0, int t1, Matrix& rows);
// Row t of head h's probs: [L].
std::vector<float> attention_probs_row(const AttentionResults& a, const AttentionConfig& cfg, int h, int t);

// Katharopoulos' feature maps: elu(x) + 1 (positive), or the identity.
Matrix feature_map(const Matrix& x, FeatureMap map);
// Denominator guard of the reference implementation (fast-transformers' eps).
constexpr double kLinearEps = 1e-6;
// phi_q, phi_k: [L, dh], v: [L, dv] -> out: [L, dv],
// out_t = sum_s w_ts v_s, w_ts = phi_q_t . phi_k_s / (sum_{s'} phi_q_t . phi_k_s' + eps) over
// the allowed s; weights (if given) receives w: [L, L].
Matrix linear_attention_parallel(const Matrix& phi_q, const Matrix& phi_k, const Matrix& v, MaskKind mask,
                                 int window, Matrix* weights = nullptr);
// Causal recurrent form, an SSM with a matrix state: S_t = S_{t-1} + phi_k_t v_t^T [dh, dv],
// z_t = z_{t-1} + phi_k_t [dh], out_t = phi_q_t^T S_t / (phi_q_t^T z_t + eps).
// states (if given) receives S_t for every t.
Matrix linear_attention_recurrent(const Matrix& phi_q, const Matrix& phi_k, const Matrix& v,
                                  std::vector<Matrix>* states = nullptr);

// The lag head's source position for query t: t - lag, or t itself while t < lag.
int lag_source(int t, int lag);

}  // namespace seqscope::compute
