// run_ssm: the SSM layer on the Eigen reference (see ssm.h).
//
// Index (each part starts at a "// [SECTION] name" line):
//   inputs to the scan (conv, gate input, delta, B, C)
//   discretization + scan (diagonal | dense)
//   the LTI kernel
//   hidden attention
//   eigenvalues and stability
//   the layer: run_ssm
#include "compute/ssm/ssm.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <chrono>
#include <string>

#include "compute/ssm/discretize.h"
#include "compute/ssm/hidden_attention.h"
#include "compute/ssm/scan_fused.h"
#include "compute/ssm/ssm_init.h"
#include "compute/ssm/ssm_scan.h"
#include "core/parallel.h"
#include "core/progress.h"

namespace seqscope::compute {

namespace {

class Stopwatch {
 public:
  explicit Stopwatch(Timings& timings) : timings_(timings), start_(std::chrono::steady_clock::now()) {}
  // Adds the time since the last lap to `op`.
  void lap(const std::string& op) {
    const auto now = std::chrono::steady_clock::now();
    timings_[op] += std::chrono::duration<double, std::milli>(now - start_).count();
    start_ = now;
    report_stage(op);
  }

 private:
  Timings& timings_;
  std::chrono::steady_clock::time_point start_;
};

// |eig| > 1 + this counts as unstable; the slack absorbs float rounding of marginal modes.
constexpr double kUnstableSlack = 1e-6;

}  // namespace

// [SECTION] inputs to the scan (conv, gate input, delta, B, C)

void check_inputs(const Session& session, const Matrix& u) {
  if (u.cols() != session.d_model)
    throw UserError("inputs have " + std::to_string(u.cols()) + " channels but d_model is " +
                    std::to_string(session.d_model));
  if (u.rows() < 1) throw UserError("the input sequence is empty (L = 0)");
  for (int c : session.ssm.hidden_attention_channels)
    if (c < 0 || c >= session.d_model)
      throw UserError("ssm.hidden_attention_channels: channel " + std::to_string(c) + " is outside [0, " +
                      std::to_string(session.d_model) + ")");
}

// Fills r.delta, r.B, r.C from the scan input r.u.
void make_delta_B_C(const SsmParams& p, SsmResults& r) {
  const Eigen::Index L = r.u.rows();
  if (p.selective) {
    const Matrix delta_g = selective_delta(r.u, p.W_delta, p.b_delta);  // [L, D] or [L, n_heads]
    if (p.variant == SsmVariant::Mamba2) {
      r.delta.resize(L, p.D);
      for (int d = 0; d < p.D; ++d) r.delta.col(d) = delta_g.col(d / p.head_dim);
    } else {
      r.delta = delta_g;
    }
    r.B = r.u * p.W_B;
    r.C = (r.u * p.W_C).cast<Complex>();
    return;
  }
  r.delta = p.discrete_time ? Matrix::Ones(L, p.D) : Matrix(p.dt.transpose().replicate(L, 1));
  r.B = p.B;
  r.C = p.C;
}

namespace {

// [SECTION] discretization + scan (diagonal | dense)

// Real diagonal modes with an exp discretization: the fused scan (scan_fused.h) fills Abar,
// Bbar, h and y in one threaded pass; the backward direction runs it on the flipped sequence.
bool fused_applies(const SsmParams& p, Discretization method, const SsmResults& r) {
  return !p.is_complex && fused_scan_supports(method) && (p.A.imag().array() == 0.0f).all() &&
         (r.C.imag().array() == 0.0f).all();
}

void run_diagonal_fused(const SsmParams& p, Discretization method, SsmResults& r) {
  const RowsPer rows = p.selective ? RowsPer::Step : RowsPer::Channel;
  const int64_t L = r.u.rows(), D = p.D, N = p.N;
  const Matrix A = p.A.real(), C = r.C.real();
  const auto scan = [&](const Matrix& u, const Matrix& delta, const Matrix& B, const Matrix& Cm, Matrix& y, TensorC* h,
                        TensorC* Abar, TensorC* Bbar) {
    y.resize(L, D);
    RealScanArgs args;
    args.L = L, args.D = D, args.N = N;
    args.u = u.data(), args.delta = delta.data(), args.A = A.data(), args.B = B.data(), args.C = Cm.data();
    args.Dskip = p.Dskip.data();
    args.b_rows = rows, args.c_rows = rows, args.method = method, args.lti = !p.selective;
    args.y = y.data();
    args.h = h ? h->data.data() : nullptr;
    args.Abar = Abar ? Abar->data.data() : nullptr;
    args.Bbar = Bbar ? Bbar->data.data() : nullptr;
    scan_real_fused(args);
  };
  r.Abar = TensorC({L, D, N});
  r.Bbar = TensorC({L, D, N});
  r.h = TensorC({L, D, N});
  scan(r.u, r.delta, r.B, C, r.y, &r.h, &r.Abar, &r.Bbar);
  if (r.bidirectional) {
    // Per-token quantities of the reversed sequence are the reversed per-token quantities.
    const bool step = rows == RowsPer::Step;
    TensorC h_rev({L, D, N});
    Matrix y_rev;
    scan(flip_rows(r.u), flip_rows(r.delta), step ? flip_rows(r.B) : r.B, step ? flip_rows(C) : C, y_rev, &h_rev,
         nullptr, nullptr);
    r.h_bwd = flip_steps(h_rev);
    r.y += flip_rows(y_rev);
  }
}

// Diagonal variants: Abar, Bbar [L, D, N], forward (and backward) scan.
void run_diagonal(const SsmParams& p, Discretization method, SsmResults& r) {
  if (fused_applies(p, method, r)) return run_diagonal_fused(p, method, r);
  const RowsPer rows = p.selective ? RowsPer::Step : RowsPer::Channel;
  discretize_diagonal(p.A, r.delta, r.B, rows, method, r.Abar, r.Bbar);
  ScanResult fwd = scan_diagonal(r.Abar, r.Bbar, r.u, r.C, rows, p.Dskip, p.is_complex);
  r.h = std::move(fwd.h);
  r.y = std::move(fwd.y);
  if (r.bidirectional) {
    // Per-token quantities of the reversed sequence are the reversed per-token quantities.
    const MatrixC C_rev = rows == RowsPer::Step ? MatrixC(r.C.colwise().reverse()) : r.C;
    ScanResult bwd = scan_diagonal(flip_steps(r.Abar), flip_steps(r.Bbar), flip_rows(r.u), C_rev, rows, p.Dskip,
                                   p.is_complex);
    r.h_bwd = flip_steps(bwd.h);
    r.y += flip_rows(bwd.y);
  }
}

// Dense variants: Abar [D, N, N], Bbar [D, N] per channel, dense scans.
void run_dense(const SsmParams& p, Discretization method, SsmResults& r) {
  const int D = p.D, N = p.N;
  Tensor Abar({D, N, N});
  Matrix Bbar(D, N);
  for (int d = 0; d < D; ++d) {
    DenseDiscrete dd;
    if (p.discrete_time) {
      dd = {p.A_dense, p.B.row(d).transpose()};  // the shift register is born discrete
    } else {
      dd = discretize_dense(p.A_dense, p.B.row(d).transpose(), p.dt(d), method);
    }
    Eigen::Map<Matrix>(Abar.data.data() + static_cast<size_t>(d) * N * N, N, N) = dd.Abar;
    Bbar.row(d) = dd.Bbar.transpose();
  }
  const Matrix C = p.C.real();
  ScanResult fwd = scan_dense(Abar, Bbar, r.u, C, p.Dskip);
  r.h = std::move(fwd.h);
  r.y = std::move(fwd.y);
  if (r.bidirectional) {
    ScanResult bwd = scan_dense(Abar, Bbar, flip_rows(r.u), C, p.Dskip);
    r.h_bwd = flip_steps(bwd.h);
    r.y += flip_rows(bwd.y);
  }
  r.Abar = TensorC({D, N, N});
  for (size_t i = 0; i < Abar.data.size(); ++i) r.Abar.data[i] = Abar.data[i];
  r.Bbar = TensorC({D, N});
  for (int d = 0; d < D; ++d)
    for (int n = 0; n < N; ++n) r.Bbar.data[static_cast<size_t>(d * N + n)] = Bbar(d, n);
}

// [SECTION] the LTI kernel

// Abar of channel d of a dense result.
Matrix dense_Abar(const SsmResults& r, int d) {
  const int N = r.N;
  Matrix M(N, N);
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) M(i, j) = r.Abar.at(d, i, j).real();
  return M;
}

void make_kernel(const SsmResults& r, SsmResults& out) {
  if (!r.dense) {
    // Abar, Bbar of an LTI model repeat along L: step 0 holds them.
    const Eigen::Map<const MatrixC> Abar0(r.Abar.data.data(), r.D, r.N), Bbar0(r.Bbar.data.data(), r.D, r.N);
    out.kernel = kernel_diagonal_all(Abar0, Bbar0, r.C, r.L, r.is_complex);
    return;
  }
  out.kernel = Matrix(r.D, r.L);
  for (int d = 0; d < r.D; ++d) {
    Vector Bbar_d(r.N);
    for (int n = 0; n < r.N; ++n) Bbar_d(n) = r.Bbar.data[static_cast<size_t>(d * r.N + n)].real();
    out.kernel.row(d) = kernel_dense(dense_Abar(r, d), Bbar_d, r.C.row(d).real().transpose(), r.L);
  }
}

// [SECTION] hidden attention

void make_hidden_attention(const SsmParams& p, SsmResults& r, bool pooled) {
  const std::vector<int>& channels = r.hidden_attention_channels;
  const int L = r.L;
  if (pooled) {  // no [L, L] matrix at all: each channel pooled straight from Abar, Bbar, C
    r.hidden_attention_overview = make_overview(static_cast<int>(channels.size()), L);
    for (size_t i = 0; i < channels.size(); ++i)
      pool_hidden_attention(r, channels[i], r.hidden_attention_overview, static_cast<int>(i));
    return;
  }
  r.hidden_attention = Tensor({static_cast<int64_t>(channels.size()), L, L});
  // The product of the float Abar the scan itself multiplies (see DecayMethod).
  const DecayMethod decay = DecayMethod::Product;
  const RowsPer rows = p.selective ? RowsPer::Step : RowsPer::Channel;
  for (size_t i = 0; i < channels.size(); ++i) {
    const int d = channels[i];
    Matrix alpha;
    if (r.lti) {
      alpha = toeplitz_from_kernel(r.kernel.row(d));
      if (r.bidirectional) alpha += flip_both(alpha);
    } else {
      alpha = hidden_attention_diagonal(r.Abar, r.Bbar, r.C, rows, r.delta, p.A, d, decay, p.is_complex);
      if (r.bidirectional) {
        const MatrixC C_rev = r.C.colwise().reverse();
        alpha += flip_both(hidden_attention_diagonal(flip_steps(r.Abar), flip_steps(r.Bbar), C_rev, rows,
                                                     flip_rows(r.delta), p.A, d, decay, p.is_complex));
      }
    }
    std::copy(alpha.data(), alpha.data() + alpha.size(), r.hidden_attention.data.begin() + i * L * L);
  }
}

}  // namespace

// [SECTION] eigenvalues and stability

void make_eigenvalues(const SsmParams& p, SsmResults& r) {
  const int L = r.L, D = r.D, N = r.N;
  if (!r.dense) {
    r.eig_continuous = TensorC({D, N});
    std::copy(p.A.data(), p.A.data() + p.A.size(), r.eig_continuous.data.begin());
    r.eig_discrete = TensorC();  // diagonal: Abar is its own eigenvalues (discrete_eigenvalues())
  } else {
    r.eig_discrete = TensorC({L, D, N});
    if (p.discrete_time) {
      r.eig_continuous = TensorC({0});  // the shift register has no continuous-time A
    } else {
      r.eig_continuous = TensorC({D, N});
      const VectorC eig = eigenvalues(p.A_dense);
      for (int d = 0; d < D; ++d) std::copy(eig.data(), eig.data() + N, r.eig_continuous.data.begin() + d * N);
    }
    for (int d = 0; d < D; ++d) {
      const VectorC eig = eigenvalues(dense_Abar(r, d));
      for (int t = 0; t < L; ++t) std::copy(eig.data(), eig.data() + N, &r.eig_discrete.at(t, d, 0));
    }
  }
  const TensorC& eig = r.discrete_eigenvalues();
  std::vector<double> worst(static_cast<size_t>(D), 0.0);
  for (int t = 0; t < L; ++t)
    for (int d = 0; d < D; ++d)
      for (int n = 0; n < N; ++n)
        worst[static_cast<size_t>(d)] = std::max(worst[static_cast<size_t>(d)], double(std::abs(eig.at(t, d, n))));
  r.max_abs_eig_discrete = 0.0;
  for (int d = 0; d < D; ++d) {
    r.max_abs_eig_discrete = std::max(r.max_abs_eig_discrete, worst[static_cast<size_t>(d)]);
    if (worst[static_cast<size_t>(d)] > 1.0 + kUnstableSlack) r.unstable_channels.push_back(d);
  }
}


VectorC eigenvalues(const Matrix& M) {
  const Eigen::Index n = M.rows();
  const float scale = M.cwiseAbs().maxCoeff();
  const float upper = n > 1 ? M.triangularView<Eigen::StrictlyUpper>().toDenseMatrix().cwiseAbs().maxCoeff() : 0.0f;
  const float lower = n > 1 ? M.triangularView<Eigen::StrictlyLower>().toDenseMatrix().cwiseAbs().maxCoeff() : 0.0f;
  VectorC eig(n);
  if (upper <= 1e-6f * scale || lower <= 1e-6f * scale) {
    eig = M.diagonal().cast<Complex>();
  } else {
    const Eigen::EigenSolver<Eigen::MatrixXd> solver(M.cast<double>(), false);
    eig = solver.eigenvalues().cast<Complex>();
  }
  std::sort(eig.begin(), eig.end(), [](Complex a, Complex b) {
    return a.imag() != b.imag() ? a.imag() < b.imag() : a.real() < b.real();
  });
  return eig;
}

// [SECTION] the layer: run_ssm

SsmResults ssm_results_header(const Session& session, const Matrix& u_block) {
  check_inputs(session, u_block);
  SsmResults r;
  r.params = make_ssm_params(session);
  const SsmParams& p = r.params;
  r.L = static_cast<int>(u_block.rows());
  r.D = p.D;
  r.N = p.N;
  r.is_complex = p.is_complex;
  r.lti = !p.selective;
  r.dense = p.dense;
  r.bidirectional = session.ssm.bidirectional;
  r.gated = p.gate;
  r.hidden_attention_channels = session.ssm.hidden_attention_channels;
  return r;
}

void fill_scan_inputs(const Matrix& u_block, SsmResults& r) {
  const SsmParams& p = r.params;
  r.u = p.conv_width > 0 ? causal_conv_silu(u_block, p.conv_weight, p.conv_bias) : u_block;
  if (p.gate) r.z = u_block * p.W_z;
  make_delta_B_C(p, r);
  r.A = p.dense ? MatrixC(p.A_dense.cast<Complex>()) : p.A;
  r.Dskip = p.Dskip;
}

void run_ssm_from_inputs(SsmResults& r, Discretization method, bool pooled, Timings& timings) {
  Stopwatch clock(timings);
  const SsmParams& p = r.params;
  if (p.dense)
    run_dense(p, method, r);
  else
    run_diagonal(p, method, r);
  clock.lap("ssm.scan");

  if (r.lti) make_kernel(r, r);
  clock.lap("ssm.kernel");
  make_hidden_attention(p, r, pooled);
  clock.lap("ssm.hidden_attention");
  make_eigenvalues(p, r);
  clock.lap("ssm.eigenvalues");

  if (p.gate) r.y_gated = r.y.cwiseProduct(r.z.unaryExpr([](float x) { return silu(x); }));
}

SsmResults run_ssm(const Session& session, const Matrix& u_block, Timings& timings) {
  Stopwatch clock(timings);
  SsmResults r = ssm_results_header(session, u_block);
  clock.lap("ssm.params");
  fill_scan_inputs(u_block, r);
  clock.lap("ssm.projections");
  run_ssm_from_inputs(r, session.ssm.discretization, maps_pooled(session, r.L), timings);
  return r;
}

}  // namespace seqscope::compute
