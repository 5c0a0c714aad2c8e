// The model's forward and backward over the layers of its pattern (model.h has the equations).
//
// Index (each part starts at a "// [SECTION] name" line):
//   mixers: forward
//   mixers: backward
//   the model
#include "compute/model/model.h"

#include <stdexcept>
#include <string>

#include "compute/model/embedding.h"
#include "compute/model/gelu.h"
#include "compute/model/linear.h"
#include "core/types.h"

namespace seqscope::compute::model {

namespace {

// [SECTION] mixers: forward

// The inputs of a layer's scans, referring to the activations the forward keeps.
template <typename T>
SelectiveScanInputs<T> scan_inputs(const MambaMixer<T>& m, const LayerAct<T>& a) {
  return {a.u, a.delta_raw, m.dt_proj_b, m.A_log, a.B, a.C, m.D, a.z, a.reset_after};
}
template <typename T>
LtiScanInputs<T> lti_inputs(const S4Mixer<T>& s, const LayerAct<T>& a) {
  return {a.u, s.log_dt, s.A_log, s.B, s.C, s.D, a.z, a.reset_after};
}

// in_proj -> (x_in, z); u = silu(conv1d(x_in)). Shared by M and S.
template <typename T>
void ssm_input_forward(const Mat<T>& in_proj, const Mat<T>& conv_w, const Vec<T>& conv_b, Eigen::Index di,
                       LayerAct<T>& a) {
  const Mat<T> xz = linear_forward(a.normed, in_proj);  // [L, 2 di]
  a.x_in = xz.leftCols(di);
  a.z = xz.rightCols(di);
  a.u = conv1d_silu_forward(a.x_in, conv_w, conv_b, a.conv);
}

template <typename T>
void mamba_forward(const MambaMixer<T>& m, const ModelConfig& c, int chunk, LayerAct<T>& a) {
  const Eigen::Index di = c.d_inner(), N = c.d_state, R = c.dt_rank;
  ssm_input_forward(m.in_proj, m.conv_w, m.conv_b, di, a);
  const Mat<T> xdbl = linear_forward(a.u, m.x_proj);  // [L, R + 2N]
  a.dt = xdbl.leftCols(R);
  a.B = xdbl.middleCols(R, N);
  a.C = xdbl.rightCols(N);
  a.delta_raw = linear_forward(a.dt, m.dt_proj_w);  // dt_proj without its bias: the scan adds it
  a.y = selective_scan_forward(scan_inputs(m, a), chunk, a.scan);
  a.out = linear_forward(a.y, m.out_proj);
}

template <typename T>
void s4_forward(const S4Mixer<T>& s, const ModelConfig& c, int chunk, LayerAct<T>& a) {
  ssm_input_forward(s.in_proj, s.conv_w, s.conv_b, c.d_inner(), a);
  a.y = lti_scan_forward(lti_inputs(s, a), chunk, a.lti);
  a.out = linear_forward(a.y, s.out_proj);
}

template <typename T>
void attention_block_forward(const AttentionMixer<T>& m, const ModelConfig& c, LayerAct<T>& a) {
  a.q = linear_forward(a.normed, m.q_proj);
  a.k = linear_forward(a.normed, m.k_proj);
  a.v = linear_forward(a.normed, m.v_proj);
  a.attn = attention_forward(a.q, a.k, a.v, c.n_heads, c.rope_theta, a.attention);
  a.out = linear_forward(a.attn, m.o_proj);
}

template <typename T>
void mlp_forward(const MlpMixer<T>& m, LayerAct<T>& a) {
  a.hidden = linear_forward(a.normed, m.up_proj);
  a.gelu = gelu_forward(a.hidden);
  a.out = linear_forward(a.gelu, m.down_proj);
}

// [SECTION] mixers: backward
// Each takes dout: [L, d] and returns d normed: [L, d], adding into the mixer's gradients.

// The way back through u = silu(conv1d(x_in)) and in_proj, given du and dz.
template <typename T>
Mat<T> ssm_input_backward(const Mat<T>& in_proj, const Mat<T>& conv_w, const LayerAct<T>& a, const Mat<T>& du,
                          const Mat<T>& dz, Mat<T>& g_in_proj, Mat<T>& g_conv_w, Vec<T>& g_conv_b) {
  const Eigen::Index di = a.x_in.cols();
  Mat<T> dxz(a.x_in.rows(), 2 * di);
  dxz.leftCols(di) = conv1d_silu_backward(du, a.x_in, conv_w, a.conv, g_conv_w, g_conv_b);
  dxz.rightCols(di) = dz;
  return linear_backward(dxz, a.normed, in_proj, g_in_proj);
}

template <typename T>
Mat<T> mamba_backward(const MambaMixer<T>& m, const LayerAct<T>& a, const Mat<T>& dout, MambaMixer<T>& g) {
  const Mat<T> dy = linear_backward(dout, a.y, m.out_proj, g.out_proj);
  const SelectiveScanGrads<T> sg = selective_scan_backward(
      dy, scan_inputs(m, a), a.scan, SelectiveScanParamGrads<T>{g.dt_proj_b, g.A_log, g.D});
  const Eigen::Index R = a.dt.cols(), N = a.B.cols();
  Mat<T> dxdbl(dy.rows(), R + 2 * N);  // [L, R + 2N] = (d dt, dB, dC)
  dxdbl.leftCols(R) = linear_backward(sg.delta_raw, a.dt, m.dt_proj_w, g.dt_proj_w);
  dxdbl.middleCols(R, N) = sg.B;
  dxdbl.rightCols(N) = sg.C;
  // u feeds both x_proj and the scan
  const Mat<T> du = linear_backward(dxdbl, a.u, m.x_proj, g.x_proj) + sg.u;
  return ssm_input_backward(m.in_proj, m.conv_w, a, du, sg.z, g.in_proj, g.conv_w, g.conv_b);
}

template <typename T>
Mat<T> s4_backward(const S4Mixer<T>& s, const LayerAct<T>& a, const Mat<T>& dout, S4Mixer<T>& g) {
  const Mat<T> dy = linear_backward(dout, a.y, s.out_proj, g.out_proj);
  const LtiScanGrads<T> lg =
      lti_scan_backward(dy, lti_inputs(s, a), a.lti, LtiScanParamGrads<T>{g.log_dt, g.A_log, g.B, g.C, g.D});
  return ssm_input_backward(s.in_proj, s.conv_w, a, lg.u, lg.z, g.in_proj, g.conv_w, g.conv_b);
}

template <typename T>
Mat<T> attention_block_backward(const AttentionMixer<T>& m, const LayerAct<T>& a, const Mat<T>& dout,
                                AttentionMixer<T>& g) {
  const Mat<T> dattn = linear_backward(dout, a.attn, m.o_proj, g.o_proj);
  const AttentionGrads<T> ag = attention_backward(dattn, a.v, a.attention);
  Mat<T> dnormed = linear_backward(ag.q, a.normed, m.q_proj, g.q_proj);
  dnormed += linear_backward(ag.k, a.normed, m.k_proj, g.k_proj);
  dnormed += linear_backward(ag.v, a.normed, m.v_proj, g.v_proj);
  return dnormed;
}

template <typename T>
Mat<T> mlp_backward(const MlpMixer<T>& m, const LayerAct<T>& a, const Mat<T>& dout, MlpMixer<T>& g) {
  const Mat<T> dgelu = linear_backward(dout, a.gelu, m.down_proj, g.down_proj);
  return linear_backward(gelu_backward(dgelu, a.hidden), a.normed, m.up_proj, g.up_proj);
}

template <typename T>
void check_same_layout(const Parameters<T>& params, const Parameters<T>& grads) {
  bool ok = params.layers.size() == grads.layers.size() &&
            grads.embedding.rows() == params.embedding.rows() &&
            grads.embedding.cols() == params.embedding.cols();
  for (size_t i = 0; ok && i < params.layers.size(); ++i) ok = params.layers[i].kind == grads.layers[i].kind;
  if (!ok) throw std::invalid_argument("model_backward: the gradients are not shaped like the parameters");
}

}  // namespace

// [SECTION] the model

template <typename T>
Mat<T> model_forward(const Parameters<T>& params, std::span<const int> tokens, ModelActivations<T>& act,
                     int chunk, StateReset reset) {
  const ModelConfig& c = params.config;
  if (tokens.empty()) throw UserError("model: the sequence is empty");
  if (params.layers.size() != c.pattern.size())
    throw std::invalid_argument("model_forward: " + std::to_string(params.layers.size()) +
                                " layers for pattern '" + c.pattern + "'");
  const T eps = static_cast<T>(c.norm_eps);
  act.tokens.assign(tokens.begin(), tokens.end());
  act.layers.assign(params.layers.size(), LayerAct<T>{});  // sized once: the scans' inputs refer into it
  if (reset.layer >= 0) {
    const auto L = static_cast<int>(tokens.size());
    if (reset.layer >= static_cast<int>(c.pattern.size()) ||
        (c.pattern[static_cast<size_t>(reset.layer)] != 'M' && c.pattern[static_cast<size_t>(reset.layer)] != 'S'))
      throw UserError("state reset: layer " + std::to_string(reset.layer) + " of pattern " + c.pattern +
                      " is not an SSM layer (M or S)");
    if (reset.step < 0 || reset.step >= L)
      throw UserError("state reset: step " + std::to_string(reset.step) + " is outside [0, " + std::to_string(L) + ")");
    act.layers[static_cast<size_t>(reset.layer)].reset_after = reset.step;
  }
  Mat<T> x = embedding_forward(tokens, params.embedding);
  for (size_t i = 0; i < params.layers.size(); ++i) {
    const Layer<T>& layer = params.layers[i];
    LayerAct<T>& a = act.layers[i];
    a.normed = rmsnorm_forward(x, layer.norm, eps, a.norm);
    switch (layer.kind) {
      case 'M':
        mamba_forward(layer.mamba, c, chunk, a);
        break;
      case 'S':
        s4_forward(layer.s4, c, chunk, a);
        break;
      case '*':
        attention_block_forward(layer.attention, c, a);
        break;
      default:
        mlp_forward(layer.mlp, a);
        break;
    }
    a.x = std::move(x);
    x = a.x + a.out;
  }
  act.x_final = std::move(x);
  act.normed = rmsnorm_forward(act.x_final, params.norm_f, eps, act.norm_f);
  return tied_head_forward(act.normed, params.embedding);
}

template <typename T>
void model_backward(const Parameters<T>& params, const ModelActivations<T>& act, const Mat<T>& dlogits,
                    Parameters<T>& grads) {
  check_same_layout(params, grads);
  const Mat<T> dnormed = tied_head_backward(dlogits, act.normed, params.embedding, grads.embedding);
  // dx: dL/d the residual stream, walked from the top down; each layer adds its branch.
  Mat<T> dx = rmsnorm_backward(dnormed, act.x_final, params.norm_f, act.norm_f, grads.norm_f);
  for (auto i = static_cast<std::ptrdiff_t>(params.layers.size()) - 1; i >= 0; --i) {
    const Layer<T>& layer = params.layers[static_cast<size_t>(i)];
    Layer<T>& g = grads.layers[static_cast<size_t>(i)];
    const LayerAct<T>& a = act.layers[static_cast<size_t>(i)];
    Mat<T> dmixed;
    switch (layer.kind) {
      case 'M':
        dmixed = mamba_backward(layer.mamba, a, dx, g.mamba);
        break;
      case 'S':
        dmixed = s4_backward(layer.s4, a, dx, g.s4);
        break;
      case '*':
        dmixed = attention_block_backward(layer.attention, a, dx, g.attention);
        break;
      default:
        dmixed = mlp_backward(layer.mlp, a, dx, g.mlp);
        break;
    }
    dx += rmsnorm_backward(dmixed, a.x, layer.norm, a.norm, g.norm);
  }
  embedding_backward(dx, act.tokens, grads.embedding);
}

template <typename T>
CrossEntropyResult loss_and_gradients(const Parameters<T>& params, std::span<const int> tokens,
                                      std::span<const int> targets, Parameters<T>& grads, T dloss,
                                      int chunk) {
  if (targets.size() != tokens.size())
    throw std::invalid_argument("loss_and_gradients: " + std::to_string(targets.size()) + " targets for " +
                                std::to_string(tokens.size()) + " tokens");
  ModelActivations<T> act;
  const Mat<T> logits = model_forward(params, tokens, act, chunk);
  CrossEntropyAct<T> ce;
  const CrossEntropyResult result = cross_entropy_forward(logits, targets, ce);
  model_backward(params, act, cross_entropy_backward(targets, ce, dloss), grads);
  return result;
}

template <typename T>
CrossEntropyResult model_loss(const Parameters<T>& params, std::span<const int> tokens,
                              std::span<const int> targets, int chunk) {
  ModelActivations<T> act;
  const Mat<T> logits = model_forward(params, tokens, act, chunk);
  CrossEntropyAct<T> ce;
  return cross_entropy_forward(logits, targets, ce);
}

#define SEQSCOPE_INSTANTIATE(T)                                                                            \
  template Mat<T> model_forward(const Parameters<T>& params, std::span<const int> tokens,                  \
                                ModelActivations<T>& act, int chunk, StateReset reset);                    \
  template void model_backward(const Parameters<T>& params, const ModelActivations<T>& act,                \
                               const Mat<T>& dlogits, Parameters<T>& grads);                               \
  template CrossEntropyResult loss_and_gradients(const Parameters<T>& params, std::span<const int> tokens, \
                                                 std::span<const int> targets, Parameters<T>& grads,       \
                                                 T dloss, int chunk);                                      \
  template CrossEntropyResult model_loss(const Parameters<T>& params, std::span<const int> tokens,         \
                                         std::span<const int> targets, int chunk);
SEQSCOPE_INSTANTIATE(float)
SEQSCOPE_INSTANTIATE(double)
#undef SEQSCOPE_INSTANTIATE

}  // namespace seqscope::compute::model
