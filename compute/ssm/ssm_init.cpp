// Parameter initialization for every SSM variant (see ssm_init.h and docs/math.md).
//
// Index (each part starts at a "// [SECTION] name" line):
//   seeded draws and size checks
//   hand-set Δ for task tokens
//   HiPPO-LegS
//   diagonal inits (S4D family)
//   make_ssm_params: every variant, selective projections, the block around the scan
#include "compute/session/cost_model.h"
#include "compute/ssm/ssm_init.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "compute/session/session_schema.h"
#include "core/param_rng.h"

namespace seqscope::compute {

namespace {

constexpr double kPi = std::numbers::pi;

// [SECTION] seeded draws and size checks

// [rows, cols] with entries N(0, scale^2) from stream `name`.
Matrix normal_matrix(uint64_t seed, const char* name, int rows, int cols, double scale) {
  ParamRng rng(seed, name);
  Matrix m(rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) m(i, j) = static_cast<float>(scale * rng.normal());
  return m;
}

Matrix uniform_matrix(uint64_t seed, const char* name, int rows, int cols, double bound) {
  ParamRng rng(seed, name);
  Matrix m(rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) m(i, j) = static_cast<float>(rng.uniform(-bound, bound));
  return m;
}

// count steps, log-uniform in [dt_min, dt_max] (S4D's log_dt, Mamba's dt before dt_proj.bias).
Vector log_uniform_dt(uint64_t seed, const char* name, int count, double dt_min, double dt_max) {
  ParamRng rng(seed, name);
  Vector dt(count);
  for (int i = 0; i < count; ++i)
    dt(i) = static_cast<float>(std::exp(rng.uniform(std::log(dt_min), std::log(dt_max))));
  return dt;
}

// Random stable diagonal: real A[d, n] = -exp(U(log 0.5, log N)), so decay rates span the
// same range as S4D-Real without its regular spacing.
MatrixC random_diagonal_A(uint64_t seed, int D, int N) {
  ParamRng rng(seed, "ssm.A.random");
  MatrixC A(D, N);
  const double hi = std::log(std::max(1.0, static_cast<double>(N)));
  for (int d = 0; d < D; ++d)
    for (int n = 0; n < N; ++n) A(d, n) = Complex(static_cast<float>(-std::exp(rng.uniform(std::log(0.5), hi))), 0.0f);
  return A;
}

// Random stable dense A = (M - M^T)/sqrt(2N) - I/2 - G G^T/(2N): its symmetric part is
// negative definite, so every eigenvalue has Re < 0 (Re lambda <= lambda_max(sym part)).
Matrix random_stable_dense(uint64_t seed, int N) {
  const Matrix M = normal_matrix(seed, "ssm.A.dense.skew", N, N, 1.0);
  const Matrix G = normal_matrix(seed, "ssm.A.dense.psd", N, N, 1.0);
  const float n2 = static_cast<float>(2 * N);
  return (M - M.transpose()) / std::sqrt(n2) - 0.5f * Matrix::Identity(N, N) - (G * G.transpose()) / n2;
}

// A real [N, N] with the same spectrum as the first N/2 modes of a complex init:
// 2x2 blocks [[re, -im], [im, re]]; an odd N ends with the real part of the next mode.
Matrix real_block_form(const VectorC& modes, int N) {
  Matrix A = Matrix::Zero(N, N);
  for (int p = 0; 2 * p + 1 < N; ++p) {
    const Complex a = modes(p);
    A(2 * p, 2 * p) = a.real();
    A(2 * p, 2 * p + 1) = -a.imag();
    A(2 * p + 1, 2 * p) = a.imag();
    A(2 * p + 1, 2 * p + 1) = a.real();
  }
  if (N % 2 == 1) A(N - 1, N - 1) = modes(N / 2).real();
  return A;
}

void check_sizes(const Session& session) {
  const SsmConfig& c = session.ssm;
  if (session.d_model < 1) throw UserError("d_model must be >= 1 (got " + std::to_string(session.d_model) + ")");
  if (c.state_size < 1) throw UserError("ssm.state_size must be >= 1 (got " + std::to_string(c.state_size) + ")");
  if (!(c.dt_min > 0.0) || !(c.dt_max >= c.dt_min))
    throw UserError("ssm.dt_min and ssm.dt_max must satisfy 0 < dt_min <= dt_max");
  if (c.conv_width < 0) throw UserError("ssm.conv_width must be >= 0");
}

}  // namespace

// [SECTION] hand-set Δ for task tokens

void data_token_delta(const SsmConfig& cfg, int D, int G, Matrix& W_delta, Vector& b_delta) {
  // softplus(b) = dt_min for every input; input channel k >= 4 adds the gap that lifts it to
  // dt_max. A one-hot token v is u = e_v, so u W_delta + b picks row v: ids 0..3 (blank, $, |,
  // ?) keep dt_min, data symbols get dt_max, in every channel (docs/session.md, delta_init).
  const double low = inverse_softplus(cfg.dt_min), high = inverse_softplus(cfg.dt_max);
  W_delta = Matrix::Zero(D, G);
  for (int k = schema::kTaskFirstData; k < D; ++k) W_delta.row(k).setConstant(static_cast<float>(high - low));
  b_delta = Vector::Constant(G, static_cast<float>(low));
}

double inverse_softplus(double x) { return x + std::log(-std::expm1(-x)); }

// [SECTION] HiPPO-LegS

Matrix hippo_legs_A(int N) {
  Matrix A = Matrix::Zero(N, N);
  for (int n = 0; n < N; ++n)
    for (int k = 0; k <= n; ++k)
      A(n, k) = n == k ? -static_cast<float>(n + 1)
                       : -static_cast<float>(std::sqrt((2.0 * n + 1.0) * (2.0 * k + 1.0)));
  return A;
}

Vector hippo_legs_B(int N) {
  Vector B(N);
  for (int n = 0; n < N; ++n) B(n) = static_cast<float>(std::sqrt(2.0 * n + 1.0));
  return B;
}

// [SECTION] diagonal inits (S4D family)

VectorC diagonal_init(SsmInit init, int N) {
  VectorC a(N);
  switch (init) {
    case SsmInit::S4DLin:
      for (int n = 0; n < N; ++n) a(n) = Complex(-0.5f, static_cast<float>(kPi * n));
      break;
    case SsmInit::S4DInv:
      for (int n = 0; n < N; ++n)
        a(n) = Complex(-0.5f, static_cast<float>(N / kPi * (N / (2.0 * n + 1.0) - 1.0)));
      break;
    case SsmInit::S4DReal:
    case SsmInit::Random:  // Random is drawn per channel by the caller; S4D-Real is its shape.
      for (int n = 0; n < N; ++n) a(n) = Complex(-static_cast<float>(n + 1), 0.0f);
      break;
    case SsmInit::HippoLegs: {
      // S4D-LegS: the normal part of HiPPO-LegS of size 2N, A + P P^T = -I/2 + skew, with
      // P_n = sqrt(n + 1/2); its 2N eigenvalues come in conjugate pairs, keep Im >= 0.
      const int M = 2 * N;
      Eigen::MatrixXd S = hippo_legs_A(M).cast<double>();
      for (int i = 0; i < M; ++i)
        for (int j = 0; j < M; ++j) S(i, j) += std::sqrt((i + 0.5) * (j + 0.5));
      const Eigen::EigenSolver<Eigen::MatrixXd> solver(S, false);
      std::vector<std::complex<double>> eig(solver.eigenvalues().begin(), solver.eigenvalues().end());
      std::sort(eig.begin(), eig.end(), [](auto x, auto y) { return x.imag() > y.imag(); });
      // Ascending frequency among the upper half, like S4D-Lin.
      std::reverse(eig.begin(), eig.begin() + N);
      for (int n = 0; n < N; ++n)
        a(n) = Complex(static_cast<float>(eig[n].real()), static_cast<float>(eig[n].imag()));
      break;
    }
  }
  return a;
}

// [SECTION] make_ssm_params: every variant, selective projections, the block around the scan

SsmParams make_ssm_params(const Session& session) {
  check_sizes(session);
  const SsmConfig& cfg = session.ssm;
  const uint64_t seed = session.seed;
  SsmParams p;
  p.variant = cfg.variant;
  p.D = session.d_model;
  p.N = cfg.state_size;
  const int D = p.D;
  const int N = p.N;
  p.selective = cfg.variant == SsmVariant::S6 || cfg.variant == SsmVariant::Mamba2;
  p.dense = cfg.variant == SsmVariant::Dense || cfg.variant == SsmVariant::Shift;
  p.discrete_time = cfg.variant == SsmVariant::Shift;
  p.dt = log_uniform_dt(seed, "ssm.dt", D, cfg.dt_min, cfg.dt_max);

  switch (cfg.variant) {
    case SsmVariant::S4D:
    case SsmVariant::S6: {
      if (cfg.init == SsmInit::Random) {
        p.A = random_diagonal_A(seed, D, N);
      } else {
        p.A = diagonal_init(cfg.init, N).transpose().replicate(D, 1);
      }
      break;
    }
    case SsmVariant::Mamba2: {
      // Mamba-2's A_init_range (1, 16): a_h = -U(1, 16), one real scalar per head.
      p.head_dim = mamba2_head_dim(D);
      p.n_heads = D / p.head_dim;
      ParamRng rng(seed, "ssm.A.mamba2");
      p.A = MatrixC(D, N);
      for (int h = 0; h < p.n_heads; ++h) {
        const Complex a(static_cast<float>(-rng.uniform(1.0, 16.0)), 0.0f);
        for (int d = h * p.head_dim; d < (h + 1) * p.head_dim; ++d) p.A.row(d).setConstant(a);
      }
      break;
    }
    case SsmVariant::Dense:
      switch (cfg.init) {
        case SsmInit::HippoLegs: p.A_dense = hippo_legs_A(N); break;
        case SsmInit::Random: p.A_dense = random_stable_dense(seed, N); break;
        case SsmInit::S4DReal: p.A_dense = Vector(diagonal_init(cfg.init, N).real()).asDiagonal(); break;
        case SsmInit::S4DLin:
        case SsmInit::S4DInv: p.A_dense = real_block_form(diagonal_init(cfg.init, N), N); break;
      }
      break;
    case SsmVariant::Shift:
      // Abar = S with S[j, j-1] = 1: slot j takes slot j-1's value each step.
      p.A_dense = Matrix::Zero(N, N);
      for (int j = 1; j < N; ++j) p.A_dense(j, j - 1) = 1.0f;
      break;
  }
  if (!p.dense) p.is_complex = (p.A.imag().array() != 0.0f).any();

  // LTI readouts. Complex C ~ CN(0, 1) as S4D's torch.randn(cfloat): variance 1/2 per part.
  if (cfg.variant == SsmVariant::Shift) {
    p.B = Matrix::Zero(D, N);
    p.B.col(0).setOnes();
    p.C = MatrixC::Zero(D, N);
    for (int d = 0; d < D; ++d) p.C(d, d % N) = 1.0f;  // channel d reads lag d mod N
    p.Dskip = Vector::Zero(D);
  } else if (!p.selective) {
    if (cfg.variant == SsmVariant::Dense && cfg.init == SsmInit::HippoLegs)
      p.B = hippo_legs_B(N).transpose().replicate(D, 1);
    else
      p.B = normal_matrix(seed, "ssm.B", D, N, 1.0);
    const Matrix c_re = normal_matrix(seed, "ssm.C.re", D, N, p.is_complex ? std::sqrt(0.5) : 1.0);
    p.C = c_re.cast<Complex>();
    if (p.is_complex) p.C += Complex(0.0f, 1.0f) * normal_matrix(seed, "ssm.C.im", D, N, std::sqrt(0.5)).cast<Complex>();
    p.Dskip = normal_matrix(seed, "ssm.D", D, 1, 1.0).col(0);
  } else {
    // Mamba: x_proj weights ~ 1/sqrt(D) scale, dt_proj weight U(-r, r), D = ones.
    const int G = cfg.variant == SsmVariant::Mamba2 ? p.n_heads : D;
    const double r = 1.0 / std::sqrt(static_cast<double>(D));
    if (cfg.delta_init == DeltaInit::DataTokens) {
      data_token_delta(cfg, D, G, p.W_delta, p.b_delta);
    } else {
      p.W_delta = uniform_matrix(seed, "ssm.W_delta", D, G, r);
      const Vector dt = log_uniform_dt(seed, "ssm.dt", G, cfg.dt_min, cfg.dt_max);
      p.b_delta = Vector(G);
      for (int g = 0; g < G; ++g) p.b_delta(g) = static_cast<float>(inverse_softplus(dt(g)));
    }
    p.W_B = normal_matrix(seed, "ssm.W_B", D, N, r);
    p.W_C = normal_matrix(seed, "ssm.W_C", D, N, r);
    p.Dskip = Vector::Ones(D);
  }

  p.conv_width = cfg.conv_width;
  if (p.conv_width > 0) {
    // PyTorch's Conv1d default for groups = D: U(-1/sqrt(W), 1/sqrt(W)), fan_in = W.
    const double bound = 1.0 / std::sqrt(static_cast<double>(p.conv_width));
    p.conv_weight = uniform_matrix(seed, "ssm.conv.weight", D, p.conv_width, bound);
    p.conv_bias = uniform_matrix(seed, "ssm.conv.bias", D, 1, bound).col(0);
  }
  p.gate = cfg.gate;
  if (p.gate) p.W_z = normal_matrix(seed, "ssm.W_z", D, D, 1.0 / std::sqrt(static_cast<double>(D)));
  return p;
}

}  // namespace seqscope::compute
