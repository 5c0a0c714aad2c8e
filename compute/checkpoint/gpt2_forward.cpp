// GPT-2 forward pass (Radford et al. 2019, as in transformers' modeling_gpt2.py): pre-LayerNorm
// blocks x += c_proj(attn(ln_1(x))), x += mlp(ln_2(x)), mlp = c_proj(gelu_new(c_fc(.))), causal
// softmax heads through the project's softmax_attention; tied head on ln_f(x).
#include <cmath>

#include "compute/attention/attention.h"
#include "compute/checkpoint/matmul.h"
#include "compute/checkpoint/model.h"

namespace seqscope::compute::checkpoint {
namespace {

// x: [L, d] -> (x - mean) / sqrt(var + eps) * w + b, per row (biased variance, as torch).
Matrix layer_norm(const Matrix& x, const Weight& w, const Weight& b, double eps) {
  Matrix out(x.rows(), x.cols());
  const float n = static_cast<float>(x.cols());
  for (Eigen::Index t = 0; t < x.rows(); ++t) {
    const float mean = x.row(t).sum() / n;
    const Eigen::RowVectorXf centered = x.row(t).array() - mean;
    const float inv = 1.0f / std::sqrt(centered.squaredNorm() / n + static_cast<float>(eps));
    out.row(t) = (centered * inv).cwiseProduct(w.vec().transpose()) + b.vec().transpose();
  }
  return out;
}

// Conv1D: x: [L, in], w: [in, out], b: [out] -> x w + b
Matrix conv1d(const Matrix& x, const Weight& w, const Weight& b) {
  Matrix out = matmul_nn(x, w.mat());
  out.rowwise() += b.vec().transpose();
  return out;
}

float gelu_new(float x) {
  constexpr float kC = 0.7978845608028654f;  // sqrt(2 / pi)
  return 0.5f * x * (1.0f + std::tanh(kC * (x + 0.044715f * x * x * x)));
}

// Head h's columns of a [L, H*dh] matrix into row block h of an [H, L, dh] tensor.
void store_head(const Matrix& head, int h, Tensor& out) {
  const int64_t size = head.size();
  std::copy(head.data(), head.data() + size, out.data.begin() + h * size);
}

}  // namespace

ModelRun Model::run_gpt2(const std::vector<int>& tokens, const RunOptions& options) const {
  const Gpt2Config& g = gpt2_;
  const int L = static_cast<int>(tokens.size()), d = g.n_embd, H = g.n_head, dh = d / H;
  if (L > g.n_positions)
    throw UserError("model: " + std::to_string(L) + " tokens exceed GPT-2's " + std::to_string(g.n_positions) +
                    " positions");
  ModelRun run;
  run.tokens = tokens;
  run.layer = options.layer;
  run.attention_layer = options.layer;
  Matrix x(L, d);  // [L, d] residual stream
  for (int t = 0; t < L; ++t) x.row(t) = wte.mat().row(tokens[static_cast<size_t>(t)]) + wpe.mat().row(t);
  for (int i = 0; i < g.n_layer; ++i) {
    const Gpt2Layer& w = gpt2_layers_[static_cast<size_t>(i)];
    const bool capture = i == options.layer;
    if (capture) run.layer_input = x;
    const Matrix qkv = conv1d(layer_norm(x, w.ln1_w, w.ln1_b, g.eps), w.attn_w, w.attn_b);  // [L, 3d]
    AttentionResults& a = run.attention;
    if (capture) {
      a.L = L;
      a.H = H;
      a.dh = dh;
      a.W_q = w.attn_w.mat().leftCols(d);
      a.W_k = w.attn_w.mat().middleCols(d, d);
      a.W_v = w.attn_w.mat().rightCols(d);
      for (Tensor* t : {&a.q, &a.k, &a.v, &a.out}) *t = Tensor({H, L, dh});
      a.scores = Tensor({H, L, L});
      a.probs = Tensor({H, L, L});
      a.kv_cache_bytes.resize(static_cast<size_t>(L));
      for (int t = 0; t < L; ++t) a.kv_cache_bytes[static_cast<size_t>(t)] = 2.0 * (t + 1) * d * sizeof(float);
    }
    Matrix merged(L, d);  // heads side by side, [L, H*dh]
    if (options.kernels) {
      AttentionResults layer;
      AttentionResults& heads = capture ? a : layer;
      heads.L = L, heads.H = H, heads.dh = dh;
      for (Tensor* t : {&heads.q, &heads.k, &heads.v}) *t = Tensor({H, L, dh});
      for (int h = 0; h < H; ++h) {
        store_head(qkv.middleCols(h * dh, dh), h, heads.q);
        store_head(qkv.middleCols(d + h * dh, dh), h, heads.k);
        store_head(qkv.middleCols(2 * d + h * dh, dh), h, heads.v);
      }
      options.kernels->gpt2_heads(heads, capture);
      for (int h = 0; h < H; ++h)
        merged.middleCols(h * dh, dh) = Eigen::Map<const Matrix>(heads.out.data.data() + int64_t{h} * L * dh, L, dh);
    } else {
      for (int h = 0; h < H; ++h) {
        const Matrix q = qkv.middleCols(h * dh, dh), k = qkv.middleCols(d + h * dh, dh),
                     v = qkv.middleCols(2 * d + h * dh, dh);
        Matrix scores, probs, out;
        softmax_attention(q, k, v, MaskKind::Causal, 0, 1.0, 0.0, scores, probs, out);  // q k^T / sqrt(dh)
        merged.middleCols(h * dh, dh) = out;
        if (capture) {
          store_head(q, h, a.q);
          store_head(k, h, a.k);
          store_head(v, h, a.v);
          store_head(out, h, a.out);
          store_head(scores, h, a.scores);
          store_head(probs, h, a.probs);
        }
      }
    }
    x += conv1d(merged, w.attn_proj_w, w.attn_proj_b);
    const Matrix hidden = conv1d(layer_norm(x, w.ln2_w, w.ln2_b, g.eps), w.fc_w, w.fc_b).unaryExpr(&gelu_new);
    x += conv1d(hidden, w.mlp_proj_w, w.mlp_proj_b);
  }
  const Matrix final_x = layer_norm(options.all_logits ? x : Matrix(x.bottomRows(1)), lnf_w, lnf_b, g.eps);
  run.logits = matmul_nt(final_x, wte.mat());  // tied head: [L, V]
  return run;
}

}  // namespace seqscope::compute::checkpoint
