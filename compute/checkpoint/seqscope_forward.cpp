// A seqscope model folder of any pattern (made by `seqscope train`) on the dashboard: the
// forward is the model engine's (compute/model/model.h), the one training differentiates, so
// each formula exists once. The shown layers become the panels' Results:
//   `M` layer  -> SsmResults as the project's gated S6 layer: u, delta = softplus(dt_proj(dt)),
//                 A = -exp(A_log), B_t, C_t, D, z; Mamba's discretization (Abar = exp(delta A),
//                 Bbar = delta B)
//   `S` layer  -> SsmResults as a gated S4D layer: delta = exp(log_dt) per channel, B, C per
//                 channel, ZOH (Bbar = (Abar - 1) / A B), the convolution kernel
//   `*` layer  -> AttentionResults: q, k after RoPE, v, scores, probs and out per head
// The scans of the shown SSM layer run again through compute/ssm (scan, hidden attention,
// eigenvalues); tests check that they give the model engine's output.
#include <algorithm>
#include <cmath>
#include <limits>

#include "compute/checkpoint/gated_layer.h"
#include "compute/checkpoint/model.h"
#include "compute/model/model.h"
#include "compute/session/map_overview.h"
#include "compute/ssm/ssm.h"
#include "compute/ssm/ssm_scan.h"

namespace seqscope::compute::checkpoint {
namespace {

using model::LayerAct;
using model::ModelConfig;

bool is_ssm_kind(char kind) { return kind == 'M' || kind == 'S'; }

int first_layer_of(const std::string& pattern, bool (*kind)(char)) {
  for (size_t i = 0; i < pattern.size(); ++i)
    if (kind(pattern[i])) return static_cast<int>(i);
  return -1;
}

bool is_attention_kind(char kind) { return kind == '*'; }

// Which layers the SSM and attention panels show (RunOptions::layer, attention_layer).
std::pair<int, int> shown_layers(const std::string& pattern, const RunOptions& options) {
  const char chosen = pattern[static_cast<size_t>(options.layer)];
  const int ssm = is_ssm_kind(chosen) ? options.layer : first_layer_of(pattern, is_ssm_kind);
  int attention = is_attention_kind(chosen) ? options.layer : first_layer_of(pattern, is_attention_kind);
  if (options.attention_layer >= 0) {
    if (options.attention_layer >= static_cast<int>(pattern.size()) ||
        !is_attention_kind(pattern[static_cast<size_t>(options.attention_layer)]))
      throw UserError("model: layer " + std::to_string(options.attention_layer) + " of pattern " + pattern +
                      " is not an attention layer (*)");
    attention = options.attention_layer;
  }
  return {ssm, attention};
}

// [SECTION] SSM layers

// What both SSM kinds share: the block around the scan, u, z, A = -exp(A_log) and the skip.
void fill_block(const ModelConfig& c, const Matrix& A_log, const Vector& D, const Matrix& conv_w,
                const Vector& conv_b, const LayerAct<float>& act, std::vector<int> channels, SsmResults& r) {
  const Matrix A = -A_log.array().exp().matrix();  // [E, N]
  fill_gated_block(A, D, c.d_conv, conv_w, conv_b, act.u, act.z, std::move(channels), r);
}

// `M`: delta, B and C depend on the input; the projections as the parameter panels show them.
void fill_selective(const ModelConfig& c, const model::MambaMixer<float>& w, const LayerAct<float>& act,
                    SsmResults& r) {
  fill_selective_projections(w.x_proj, w.dt_proj_w, w.dt_proj_b, c.dt_rank, c.d_state, r.params);
  r.delta = act.scan.delta;  // after the softplus
  r.B = act.B;
  r.C = act.C.cast<Complex>();
}

// `S`: delta, B and C are per channel (the S4D layer of the synthetic sessions, with ZOH).
void fill_time_invariant(const model::S4Mixer<float>& w, const LayerAct<float>& act, SsmResults& r) {
  SsmParams& p = r.params;
  p.variant = SsmVariant::S4D;
  p.selective = false;
  p.dt = w.log_dt.array().exp().matrix();  // [E]
  p.B = w.B;
  p.C = w.C.cast<Complex>();
  r.lti = true;
  r.delta = p.dt.transpose().replicate(act.u.rows(), 1);
  r.B = p.B;
  r.C = p.C;
}

// The scan again from nothing after a state reset at `step` (h_step := 0): the steps after it
// are a scan of their own, spliced in; h_step is 0, y_step = D u_step, and alpha has no weight
// from any step up to the reset. Abar, Bbar and the kernel stay (the dynamics are unchanged).
void splice_reset(SsmResults& r, Discretization method, int step) {
  const int L = r.L, D = r.D, N = r.N, after = L - step - 1;
  Matrix y_tail;
  TensorC h_tail;
  Tensor alpha_tail;
  if (after > 0) {
    SsmResults tail = r;
    tail.L = after;
    tail.u = r.u.bottomRows(after);
    tail.z = r.z.bottomRows(after);
    tail.delta = r.delta.bottomRows(after);
    if (!r.lti) {
      tail.B = r.B.bottomRows(after);
      tail.C = r.C.bottomRows(after);
    }
    Timings timings;
    run_ssm_from_inputs(tail, method, false, timings);
    y_tail = std::move(tail.y);
    h_tail = std::move(tail.h);
    alpha_tail = std::move(tail.hidden_attention);
  }
  for (int d = 0; d < D; ++d)
    for (int n = 0; n < N; ++n) r.h.at(step, d, n) = Complex(0.0f, 0.0f);
  r.y.row(step) = r.Dskip.transpose().cwiseProduct(r.u.row(step));
  if (after > 0) {
    std::copy(h_tail.data.begin(), h_tail.data.end(), r.h.data.begin() + int64_t{step + 1} * D * N);
    r.y.bottomRows(after) = y_tail;
  }
  const int64_t channels = static_cast<int64_t>(r.hidden_attention_channels.size());
  for (int64_t c = 0; c < channels; ++c) {
    Eigen::Map<Matrix> alpha(r.hidden_attention.data.data() + c * L * L, L, L);
    alpha.bottomRows(L - step).setZero();
    if (after > 0)
      alpha.bottomRightCorner(after, after) =
          Eigen::Map<const Matrix>(alpha_tail.data.data() + c * after * after, after, after);
  }
  r.y_gated = r.y.cwiseProduct(r.z.unaryExpr([](float v) { return silu(v); }));
}

SsmResults ssm_layer(const model::Layer<float>& layer, const ModelConfig& c, const LayerAct<float>& act,
                     const RunOptions& options) {
  SsmResults r;
  std::vector<int> channels = options.hidden_attention_channels.empty()
                                  ? default_hidden_attention_channels(c.d_inner())
                                  : options.hidden_attention_channels;
  Discretization method = Discretization::Mamba;
  if (layer.kind == 'M') {
    const auto& w = layer.mamba;
    fill_block(c, w.A_log, w.D, w.conv_w, w.conv_b, act, std::move(channels), r);
    fill_selective(c, w, act, r);
  } else {
    const auto& w = layer.s4;
    fill_block(c, w.A_log, w.D, w.conv_w, w.conv_b, act, std::move(channels), r);
    fill_time_invariant(w, act, r);
    method = Discretization::Zoh;
  }
  Timings timings;
  run_ssm_from_inputs(r, method, maps_pooled(Session{}, r.L), timings);
  if (act.reset_after >= 0) splice_reset(r, method, act.reset_after);
  return r;
}

// [SECTION] attention layers

// Columns h dh .. (h+1) dh - 1 of x: [L, d] -> head h of out: [H, L, dh].
void store_head(const Matrix& x, int h, int dh, Tensor& out) {
  const Eigen::Index L = x.rows();
  Eigen::Map<Matrix>(out.data.data() + int64_t{h} * L * dh, L, dh) = x.middleCols(int64_t{h} * dh, dh);
}

AttentionResults attention_layer(const model::AttentionMixer<float>& w, const ModelConfig& c,
                                 const LayerAct<float>& act) {
  const int L = static_cast<int>(act.q.rows()), H = c.n_heads, dh = c.head_dim(), d = c.d_model;
  AttentionResults a;
  a.L = L;
  a.H = H;
  a.dh = dh;
  a.W_q = w.q_proj.transpose();  // q = x q_proj^T: [d, H dh]
  a.W_k = w.k_proj.transpose();
  a.W_v = w.v_proj.transpose();
  for (Tensor* t : {&a.q, &a.k, &a.v, &a.out}) *t = Tensor({H, L, dh});
  a.scores = Tensor({H, L, L});
  a.probs = Tensor({H, L, L});
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  for (int h = 0; h < H; ++h) {
    store_head(act.attention.q, h, dh, a.q);  // after RoPE
    store_head(act.attention.k, h, dh, a.k);
    store_head(act.v, h, dh, a.v);
    store_head(act.attn, h, dh, a.out);
    Matrix scores = act.attention.q.middleCols(int64_t{h} * dh, dh) *
                    act.attention.k.middleCols(int64_t{h} * dh, dh).transpose() * scale;  // [L, L]
    scores.triangularView<Eigen::StrictlyUpper>().setConstant(-std::numeric_limits<float>::infinity());
    Eigen::Map<Matrix>(a.scores.data.data() + int64_t{h} * L * L, L, L) = scores;
    Eigen::Map<Matrix>(a.probs.data.data() + int64_t{h} * L * L, L, L) = act.attention.probs[static_cast<size_t>(h)];
  }
  a.kv_cache_bytes.resize(static_cast<size_t>(L));
  for (int t = 0; t < L; ++t) a.kv_cache_bytes[static_cast<size_t>(t)] = 2.0 * (t + 1) * d * sizeof(float);
  return a;
}

}  // namespace

ModelRun Model::run_seqscope(const std::vector<int>& tokens, const RunOptions& options) const {
  const ModelConfig& c = seqscope_.config;
  const int L = static_cast<int>(tokens.size());
  // The full [L, L] maps of every head and channel are what the panels read.
  if (L > Session{}.full_map_max_length)
    throw UserError("model: " + std::to_string(L) + " tokens are more than a seqscope model is shown on (" +
                    std::to_string(Session{}.full_map_max_length) + ")");
  const auto [ssm_at, attention_at] = shown_layers(c.pattern, options);
  model::ModelActivations<float> act;
  ModelRun run;
  run.tokens = tokens;
  run.layer = options.layer;
  run.ssm_layer = ssm_at;
  run.attention_layer = attention_at;
  const Matrix logits = model::model_forward(seqscope_, tokens, act, model::kScanChunk, options.reset);  // [L, V]
  run.logits = options.all_logits ? logits : Matrix(logits.bottomRows(1));
  run.layer_input = act.layers[static_cast<size_t>(options.layer)].x;
  if (ssm_at >= 0) {
    const auto i = static_cast<size_t>(ssm_at);
    run.ssm = ssm_layer(seqscope_.layers[i], c, act.layers[i], options);
  }
  if (attention_at >= 0) {
    const auto i = static_cast<size_t>(attention_at);
    run.attention = attention_layer(seqscope_.layers[i].attention, c, act.layers[i]);
  }
  return run;
}

}  // namespace seqscope::compute::checkpoint
