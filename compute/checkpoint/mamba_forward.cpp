// Mamba forward pass (Gu & Dao 2023, the reference mamba_simple.py without the fused kernels):
// per layer x += out_proj(y * silu(z)), y = selective_scan(u, delta, A, B, C, D),
// u = silu(conv1d(in_proj(rmsnorm(x))[:E])). The chosen layer goes through the project's own
// discretize/scan/hidden-attention code and lands in SsmResults; the other layers use a fused
// scan that never stores [L, E, N].
#include <cmath>

#include "compute/checkpoint/matmul.h"
#include "compute/checkpoint/model.h"
#include "compute/ssm/hidden_attention.h"
#include "compute/ssm/ssm.h"
#include "compute/ssm/ssm_scan.h"
#include "core/parallel.h"

namespace seqscope::compute::checkpoint {
namespace {

// x: [L, d], w: [d] -> x / sqrt(mean(x^2) + eps) * w
Matrix rms_norm(const Matrix& x, const Weight& w, double eps) {
  Matrix out(x.rows(), x.cols());
  const auto weight = w.vec();
  for (Eigen::Index t = 0; t < x.rows(); ++t) {
    const float scale = 1.0f / std::sqrt(x.row(t).squaredNorm() / static_cast<float>(x.cols()) + static_cast<float>(eps));
    out.row(t) = (x.row(t) * scale).cwiseProduct(weight.transpose());
  }
  return out;
}

// u, delta: [L, E], A: [E, N], B, C: [L, N], Dskip: [E] -> y: [L, E]; h lives in registers, one
// channel at a time (exp vectorized over the N modes; N = 16, Mamba's default, at a fixed size),
// channels split over the cores.
template <int Fixed>
Matrix fused_scan_n(const Matrix& u, const Matrix& delta, const Matrix& A, const Matrix& B, const Matrix& C,
                    const Eigen::Map<const Vector>& Dskip) {
  using Modes = Eigen::Array<float, Fixed, 1>;
  const Eigen::Index L = u.rows(), E = u.cols(), N = A.cols();
  Matrix y(L, E);
  compute::parallel_for(E, 1, [&](int64_t first, int64_t last, int) {
    for (Eigen::Index e = first; e < last; ++e) {
      Modes h = Modes::Zero(N);
      const Modes a = A.row(e).transpose().array();
      for (Eigen::Index t = 0; t < L; ++t) {
        const float dt = delta(t, e), ut = u(t, e);
        h = (dt * a).exp() * h + (dt * ut) * B.row(t).transpose().array();  // Abar = exp(dt A), Bbar = dt B
        y(t, e) = (C.row(t).transpose().array() * h).sum() + Dskip[e] * ut;
      }
    }
  });
  return y;
}

Matrix fused_scan(const Matrix& u, const Matrix& delta, const Matrix& A, const Matrix& B, const Matrix& C,
                  const Eigen::Map<const Vector>& Dskip) {
  return A.cols() == 16 ? fused_scan_n<16>(u, delta, A, B, C, Dskip) : fused_scan_n<Eigen::Dynamic>(u, delta, A, B, C, Dskip);
}

// The layer as the project's gated S6 layer: its parameters and the scan's inputs, which the
// CPU (compute_captured_layer) and a LayerKernels both read. channels: hidden attention rows.
void layer_inputs(const MambaConfig& m, const MambaLayer& w, const Matrix& u, const Matrix& delta, const Matrix& A,
                  const Matrix& B, const Matrix& C, const Matrix& z, std::vector<int> channels, SsmResults& r) {
  const int L = static_cast<int>(u.rows()), E = m.d_inner(), N = m.d_state;
  SsmParams& p = r.params;
  p.variant = SsmVariant::S6;
  p.D = E;
  p.N = N;
  p.selective = true;
  p.A = A.cast<Complex>();
  p.Dskip = w.D.vec();
  p.conv_width = m.d_conv;
  p.conv_weight = w.conv_w.mat();
  p.conv_bias = w.conv_b.empty() ? Vector(Vector::Zero(E)) : Vector(w.conv_b.vec());
  p.gate = true;

  r.L = L;
  r.D = E;
  r.N = N;
  r.gated = true;
  r.u = u;
  r.delta = delta;
  r.A = p.A;
  r.B = B;
  r.C = C.cast<Complex>();
  r.Dskip = p.Dskip;
  r.z = z;
  r.hidden_attention_channels = std::move(channels);
  for (int c : r.hidden_attention_channels)
    if (c < 0 || c >= E)
      throw UserError("model: hidden attention channel " + std::to_string(c) + " is outside [0, " + std::to_string(E) + ")");
}

// The projections the parameter panels show (the captured layer only: W_delta is [E, E]).
void panel_params(const MambaConfig& m, const MambaLayer& w, SsmParams& p) {
  // u -> delta pre-activation is low rank in Mamba: W_delta = x_proj[:R]^T dt_proj^T, [E, E].
  const auto xp = w.x_proj.mat();
  p.W_delta = xp.topRows(m.dt_rank).transpose() * w.dt_w.mat().transpose();
  p.b_delta = w.dt_b.vec();
  p.W_B = xp.middleRows(m.dt_rank, m.d_state).transpose();
  p.W_C = xp.bottomRows(m.d_state).transpose();
}

// Every tensor the SSM panels read, on the CPU: Abar, Bbar, h, y, y_gated, hidden attention.
void compute_captured_layer(const RunOptions& options, SsmResults& r) {
  const int L = r.L;
  discretize_diagonal(r.A, r.delta, r.B, RowsPer::Step, Discretization::Mamba, r.Abar, r.Bbar);
  ScanResult scan = scan_diagonal(r.Abar, r.Bbar, r.u, r.C, RowsPer::Step, r.Dskip, false);
  r.h = std::move(scan.h);
  r.y = std::move(scan.y);
  r.y_gated = r.y.array() * r.z.unaryExpr([](float v) { return silu(v); }).array();
  const int64_t count = static_cast<int64_t>(r.hidden_attention_channels.size());
  r.hidden_attention = Tensor({count, L, L});
  for (int64_t i = 0; i < count; ++i) {
    const Matrix alpha = hidden_attention_diagonal(r.Abar, r.Bbar, r.C, RowsPer::Step, r.delta, r.A,
                                                   r.hidden_attention_channels[static_cast<size_t>(i)],
                                                   DecayMethod::Product, false);
    std::copy(alpha.data(), alpha.data() + alpha.size(), r.hidden_attention.data.begin() + i * L * L);
  }
  if (options.eigenvalues) make_eigenvalues(r.params, r);
}

}  // namespace

std::vector<int> default_hidden_attention_channels(int E) {
  std::vector<int> channels;
  for (int c : {0, E / 3, (2 * E) / 3, E - 1})
    if (std::find(channels.begin(), channels.end(), c) == channels.end()) channels.push_back(c);
  return channels;
}

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
    if (i == options.layer) run.layer_input = x;
    Matrix xz = matmul_nt(rms_norm(x, w.norm, m.eps), w.in_proj.mat());  // [L, 2E]
    if (!w.in_proj_bias.empty()) xz.rowwise() += w.in_proj_bias.vec().transpose();
    const Vector conv_bias = w.conv_b.empty() ? Vector(Vector::Zero(E)) : Vector(w.conv_b.vec());
    const Matrix u = causal_conv_silu(xz.leftCols(E), w.conv_w.mat(), conv_bias);  // [L, E]
    const Matrix z = xz.rightCols(E);
    const Matrix x_dbl = matmul_nt(u, w.x_proj.mat());  // [L, R + 2N]
    Matrix delta = matmul_nt(x_dbl.leftCols(R), w.dt_w.mat());  // [L, E]
    delta.rowwise() += w.dt_b.vec().transpose();
    delta = delta.unaryExpr([](float v) { return softplus(v); });
    const Matrix A = -w.A_log.mat().array().exp().matrix();  // [E, N]
    const Matrix B = x_dbl.middleCols(R, N), C = x_dbl.rightCols(N);
    Matrix y;
    if (i == options.layer) {
      layer_inputs(m, w, u, delta, A, B, C, z,
                   options.hidden_attention_channels.empty() ? default_hidden_attention_channels(static_cast<int>(E))
                                                             : options.hidden_attention_channels,
                   run.ssm);
      panel_params(m, w, run.ssm.params);
      if (options.kernels)
        options.kernels->mamba_layer(run.ssm, true);
      else
        compute_captured_layer(options, run.ssm);
      y = run.ssm.y_gated;
    } else if (options.kernels) {
      SsmResults layer;
      layer_inputs(m, w, u, delta, A, B, C, z, {}, layer);
      options.kernels->mamba_layer(layer, false);
      y = std::move(layer.y_gated);
    } else {
      y = fused_scan(u, delta, A, B, C, w.D.vec()).array() * z.unaryExpr([](float v) { return silu(v); }).array();
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
