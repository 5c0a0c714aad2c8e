// Mamba forward pass (Gu & Dao 2023, the reference mamba_simple.py without the fused kernels):
// per layer x += out_proj(y * silu(z)), y = selective_scan(u, delta, A, B, C, D),
// u = silu(conv1d(in_proj(rmsnorm(x))[:E])). The norm, the conv + SiLU, softplus and the gated
// scan are the model engine's ops (compute/model), the ones training differentiates, so each
// formula exists once; the weight products are this folder's threaded GEMM (matmul.h). The
// captured layer's panel tensors (Abar, Bbar, h, hidden attention, eigenvalues) come from
// compute/ssm, the synthetic sessions' code, into SsmResults.
#include <cmath>

#include "compute/checkpoint/gated_layer.h"
#include "compute/checkpoint/matmul.h"
#include "compute/checkpoint/model.h"
#include "compute/model/conv1d.h"
#include "compute/model/rmsnorm.h"
#include "compute/model/selective_scan.h"
#include "compute/ssm/ssm.h"
#include "core/parallel.h"

namespace seqscope::compute::checkpoint {
namespace {

// x: [L, d] -> rmsnorm(x) w, the model engine's op (compute/model/rmsnorm.h).
Matrix rms_norm(const Matrix& x, const Weight& w, double eps) {
  model::RmsNormAct<float> act;
  return model::rmsnorm_forward<float>(x, w.vec(), static_cast<float>(eps), act);
}

// x_in: [L, E] -> silu(conv1d(x_in)), the model engine's op (compute/model/conv1d.h); w is
// conv1d.weight [E, 1, d_conv] viewed as [E, d_conv].
Matrix conv_silu(const Matrix& x_in, const Weight& w, const Weight& b) {
  const Vector bias = b.empty() ? Vector(Vector::Zero(x_in.cols())) : Vector(b.vec());
  model::Conv1dAct<float> act;
  return model::conv1d_silu_forward<float>(x_in, w.mat(), bias, act);
}

// The layer's gated scan y * silu(z): [L, E] on the model engine's selective scan
// (compute/model/selective_scan.h), its channels split into blocks over the cores. Channels
// are independent, so the split changes no bit. delta (when asked) gets softplus(delta_raw +
// dt_bias), as the op computes it.
Matrix gated_scan(const MambaLayer& w, const Matrix& u, const Matrix& delta_raw, const Matrix& B, const Matrix& C,
                  const Matrix& z, Matrix* delta) {
  const Eigen::Index L = u.rows(), E = u.cols(), N = B.cols();
  Matrix y(L, E);
  if (delta) delta->resize(L, E);
  const auto A_log = w.A_log.mat();
  const auto dt_bias = w.dt_b.vec(), D = w.D.vec();
  constexpr int64_t kWorkPerModeStep = 12;
  const int64_t per_channel = std::max<int64_t>(1, int64_t{L} * N * kWorkPerModeStep);
  compute::parallel_for(E, std::max<int64_t>(1, compute::kMinWorkPerThread / per_channel),
                        [&](int64_t first, int64_t last, int) {
                          const Eigen::Index n = last - first;
                          const Matrix u_b = u.middleCols(first, n), raw_b = delta_raw.middleCols(first, n),
                                       z_b = z.middleCols(first, n), A_log_b = A_log.middleRows(first, n);
                          const Vector bias_b = dt_bias.segment(first, n), D_b = D.segment(first, n);
                          model::SelectiveScanAct<float> act;
                          y.middleCols(first, n) = model::selective_scan_forward<float>(
                              {u_b, raw_b, bias_b, A_log_b, B, C, D_b, z_b}, model::kScanChunk, act);
                          if (delta) delta->middleCols(first, n) = act.delta;
                        });
  return y;
}

// The layer as the project's gated S6 layer: its parameters and the scan's inputs, which the
// CPU (run_ssm_from_inputs) and a LayerKernels both read. channels: hidden attention rows.
void layer_inputs(const MambaConfig& m, const MambaLayer& w, const Matrix& u, const Matrix& delta, const Matrix& A,
                  const Matrix& B, const Matrix& C, const Matrix& z, std::vector<int> channels, SsmResults& r) {
  const Vector conv_bias = w.conv_b.empty() ? Vector(Vector::Zero(m.d_inner())) : Vector(w.conv_b.vec());
  fill_gated_block(A, w.D.vec(), m.d_conv, w.conv_w.mat(), conv_bias, u, z, std::move(channels), r);
  r.params.variant = SsmVariant::S6;
  r.params.selective = true;
  r.delta = delta;
  r.B = B;
  r.C = C.cast<Complex>();
}

// The projections the parameter panels show (the captured layer only: W_delta is [E, E]).
void panel_params(const MambaConfig& m, const MambaLayer& w, SsmParams& p) {
  fill_selective_projections(w.x_proj.mat(), w.dt_w.mat(), w.dt_b.vec(), m.dt_rank, m.d_state, p);
}

}  // namespace

std::vector<int> default_hidden_attention_channels(int E) {
  std::vector<int> channels;
  for (int c : {0, E / 3, (2 * E) / 3, E - 1})
    if (std::find(channels.begin(), channels.end(), c) == channels.end()) channels.push_back(c);
  return channels;
}

namespace {

std::vector<int> shown_channels(const RunOptions& options, Eigen::Index E) {
  return options.hidden_attention_channels.empty() ? default_hidden_attention_channels(static_cast<int>(E))
                                                   : options.hidden_attention_channels;
}

}  // namespace

ModelRun Model::run_mamba(const std::vector<int>& tokens, const RunOptions& options) const {
  const MambaConfig& m = mamba_;
  const Eigen::Index L = static_cast<Eigen::Index>(tokens.size()), E = m.d_inner(), N = m.d_state, R = m.dt_rank;
  ModelRun run;
  run.tokens = tokens;
  run.layer = options.layer;
  run.ssm_layer = options.layer;
  const auto emb = embedding.mat();
  Matrix x(L, m.d_model);  // [L, d] residual stream
  for (Eigen::Index t = 0; t < L; ++t) x.row(t) = emb.row(tokens[static_cast<size_t>(t)]);
  for (int i = 0; i < m.n_layer; ++i) {
    const MambaLayer& w = mamba_layers_[static_cast<size_t>(i)];
    const bool capture = i == options.layer;
    if (capture) run.layer_input = x;
    Matrix xz = matmul_nt(rms_norm(x, w.norm, m.eps), w.in_proj.mat());  // [L, 2E]
    if (!w.in_proj_bias.empty()) xz.rowwise() += w.in_proj_bias.vec().transpose();
    const Matrix u = conv_silu(xz.leftCols(E), w.conv_w, w.conv_b);  // [L, E]
    const Matrix z = xz.rightCols(E);
    const Matrix x_dbl = matmul_nt(u, w.x_proj.mat());  // [L, R + 2N]
    const Matrix delta_raw = matmul_nt(x_dbl.leftCols(R), w.dt_w.mat());  // [L, E], without dt_proj's bias
    const Matrix A = -w.A_log.mat().array().exp().matrix();  // [E, N]
    const Matrix B = x_dbl.middleCols(R, N), C = x_dbl.rightCols(N);
    Matrix y;  // [L, E]: y * silu(z)
    if (options.kernels) {
      const Matrix delta = model::selective_scan_delta<float>(delta_raw, w.dt_b.vec());
      SsmResults layer;
      SsmResults& r = capture ? run.ssm : layer;
      layer_inputs(m, w, u, delta, A, B, C, z, capture ? shown_channels(options, E) : std::vector<int>{}, r);
      if (capture) panel_params(m, w, r.params);
      options.kernels->mamba_layer(r, capture);
      y = capture ? r.y_gated : std::move(r.y_gated);
    } else {
      Matrix delta;
      y = gated_scan(w, u, delta_raw, B, C, z, capture ? &delta : nullptr);
      if (capture) {
        // The panels' tensors (Abar, Bbar, h, alpha, eigenvalues) through compute/ssm, the
        // synthetic sessions' code; the stream goes on with the op's output.
        layer_inputs(m, w, u, delta, A, B, C, z, shown_channels(options, E), run.ssm);
        panel_params(m, w, run.ssm.params);
        Timings timings;
        run_ssm_from_inputs(run.ssm, Discretization::Mamba, false, timings);
      }
    }
    Matrix out = matmul_nt(y, w.out_proj.mat());  // [L, d]
    if (!w.out_proj_bias.empty()) out.rowwise() += w.out_proj_bias.vec().transpose();
    x += out;
  }
  const Matrix final_x = rms_norm(options.all_logits ? x : Matrix(x.bottomRows(1)), norm_f, m.eps);
  run.logits = matmul_nt(final_x, emb);  // tied head: [L, V]
  return run;
}

}  // namespace seqscope::compute::checkpoint
