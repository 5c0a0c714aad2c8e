// Model semantics: Mamba's selective_scan_ref re-implemented here as a plain loop straight
// from the reference (conv, softplus(delta + bias), exp(delta A), delta B u, 2 Re for complex,
// D skip, silu gate), the shift register's exact recall, Mamba-2's scalar-per-head structure,
// the S4D inits, and the errors a user can cause.
#include <gtest/gtest.h>

#include <cmath>

#include "compute/session/inputs.h"
#include "compute/session/session_schema.h"
#include "compute/ssm/ssm.h"
#include "compute/ssm/ssm_init.h"
#include "tests/compute/math_test_util.h"

namespace seqscope::compute {
namespace {

using test::max_error_over_scale;
using test::random_u;
using test::ssm_session;
using test::track;
using ComplexD = std::complex<double>;

double silu_d(double x) { return x / (1.0 + std::exp(-x)); }
double softplus_d(double x) { return std::log1p(std::exp(x)); }

// The Mamba block around selective_scan_ref, in double, from the raw parameters:
//   x = silu(conv1d(u)) (or u), delta = softplus(x W_delta + b_delta), B = x W_B, C = x W_C,
//   h = exp(delta A) h + delta B x, y = sum_n h C (2 Re when complex) + D x, out = y silu(u W_z).
Matrix mamba_reference(const SsmParams& p, const Matrix& u) {
  const Eigen::Index L = u.rows(), D = p.D, N = p.N;
  Eigen::MatrixXd x = u.cast<double>();
  if (p.conv_width > 0) {
    const Eigen::Index W = p.conv_width;
    for (Eigen::Index t = 0; t < L; ++t)
      for (Eigen::Index d = 0; d < D; ++d) {
        double acc = p.conv_bias(d);
        // F.conv1d(padding=W-1)[..., :L]: out[t] = sum_k w[k] xpad[t + k], xpad = (W-1 zeros, u)
        for (Eigen::Index k = 0; k < W; ++k) {
          const Eigen::Index src = t + k - (W - 1);
          if (src >= 0) acc += static_cast<double>(p.conv_weight(d, k)) * u(src, d);
        }
        x(t, d) = silu_d(acc);
      }
  }
  const Eigen::MatrixXd delta_raw = x * p.W_delta.cast<double>();
  const Eigen::MatrixXd B = x * p.W_B.cast<double>();
  const Eigen::MatrixXd C = x * p.W_C.cast<double>();
  Matrix out(L, D);
  for (Eigen::Index d = 0; d < D; ++d) {
    std::vector<ComplexD> h(static_cast<size_t>(N), 0.0);
    const Eigen::Index g = p.variant == SsmVariant::Mamba2 ? d / p.head_dim : d;
    for (Eigen::Index t = 0; t < L; ++t) {
      const double delta = softplus_d(delta_raw(t, g) + p.b_delta(g));
      ComplexD y = 0.0;
      for (Eigen::Index n = 0; n < N; ++n) {
        const ComplexD deltaA = std::exp(delta * ComplexD(p.A(d, n)));
        h[static_cast<size_t>(n)] = deltaA * h[static_cast<size_t>(n)] + delta * B(t, n) * x(t, d);
        y += h[static_cast<size_t>(n)] * C(t, n);
      }
      double yr = p.is_complex ? 2.0 * y.real() : y.real();
      yr += x(t, d) * p.Dskip(d);
      if (p.gate) yr *= silu_d(u.row(t).cast<double>().dot(p.W_z.col(d).cast<double>()));
      out(t, d) = static_cast<float>(yr);
    }
  }
  return out;
}

// Relative to the output scale; the float scan vs this double loop differ by rounding only
// (seen <= 1e-6), a wrong exp / softplus / skip / gate is off by > 1e-2.
constexpr double kRefTol = 2e-5;

TEST(SelectiveScanRef, MatchesReferenceLoop) {
  struct Case {
    SsmVariant variant;
    SsmInit init;
    int conv_width;
    bool gate;
  };
  for (const Case& c : {Case{SsmVariant::S6, SsmInit::S4DReal, 0, false}, Case{SsmVariant::S6, SsmInit::S4DReal, 4, true},
                        Case{SsmVariant::S6, SsmInit::S4DLin, 0, false}, Case{SsmVariant::S6, SsmInit::S4DLin, 3, true},
                        Case{SsmVariant::S6, SsmInit::Random, 2, false}, Case{SsmVariant::Mamba2, SsmInit::S4DReal, 4, true},
                        Case{SsmVariant::Mamba2, SsmInit::S4DReal, 0, false}}) {
    for (const auto& shape : test::kShapes) {
      Session s = ssm_session(c.variant, c.init, Discretization::Mamba, shape.D, shape.N);
      s.ssm.conv_width = c.conv_width;
      s.ssm.gate = c.gate;
      const Matrix u = random_u(shape.L, shape.D, 11);
      Timings timings;
      const SsmResults r = run_ssm(s, u, timings);
      const Matrix expected = mamba_reference(r.params, u);
      SCOPED_TRACE("variant " + std::to_string(static_cast<int>(c.variant)) + " init " +
                   std::to_string(static_cast<int>(c.init)) + " conv " + std::to_string(c.conv_width) + " L " +
                   std::to_string(shape.L));
      EXPECT_LE(track("selective_scan_ref loop", max_error_over_scale(c.gate ? r.y_gated : r.y, expected)), kRefTol);
      // Bbar u = delta B u exactly as the reference writes it.
      EXPECT_EQ(r.Bbar.at(0, 0, 0), Complex(r.delta(0, 0) * r.B(0, 0), 0.0f));
    }
  }
}

// h_t = S h_{t-1} + e_0 u_t puts u_{t-j} in slot j; channel d reads slot d mod N.
TEST(ShiftRegister, RecallsLagBelowNExactlyAndNothingBeyond) {
  for (int N : {1, 4, 8}) {
    const int D = 12, L = 40;
    const Session s = ssm_session(SsmVariant::Shift, SsmInit::S4DReal, Discretization::Zoh, D, N);
    const Matrix u = random_u(L, D, 21);
    Timings timings;
    const SsmResults r = run_ssm(s, u, timings);
    for (int d = 0; d < D; ++d) {
      const int lag = d % N;
      for (int t = 0; t < L; ++t) EXPECT_EQ(r.y(t, d), t >= lag ? u(t - lag, d) : 0.0f) << "d " << d << " t " << t;
      for (int k = 0; k < L; ++k) EXPECT_EQ(r.kernel(d, k), k == lag ? 1.0f : 0.0f);
    }
    // Every slot holds its lag exactly.
    for (int j = 0; j < N; ++j) EXPECT_EQ(r.h.at(L - 1, 3, j).real(), u(L - 1 - j, 3));
    // Changing u at lag k < N changes the state at t0; at lag k >= N nothing changes, bit for bit.
    const int t0 = L - 1;
    for (int k = 0; k < L; ++k) {
      Matrix u2 = u;
      u2(t0 - k, 3) += 1.0f;
      const SsmResults r2 = run_ssm(s, u2, timings);
      bool same = true;
      for (int j = 0; j < N; ++j) same = same && r2.h.at(t0, 3, j) == r.h.at(t0, 3, j);
      EXPECT_EQ(same, k >= N) << "N " << N << " lag " << k;
    }
  }
}

TEST(Mamba2, ScalarDecayPerHead) {
  const Session s = ssm_session(SsmVariant::Mamba2, SsmInit::S4DReal, Discretization::Mamba, 16, 8);
  Timings timings;
  const SsmResults r = run_ssm(s, random_u(30, 16), timings);
  ASSERT_EQ(r.params.head_dim, 4);
  ASSERT_EQ(r.params.n_heads, 4);
  int distinct_heads = 0;
  for (int t = 0; t < 30; ++t)
    for (int d = 0; d < 16; ++d) {
      const int head_start = (d / 4) * 4;
      EXPECT_EQ(r.delta(t, d), r.delta(t, head_start));
      for (int n = 0; n < 8; ++n) EXPECT_EQ(r.Abar.at(t, d, n), r.Abar.at(t, head_start, 0));
    }
  for (int h = 1; h < 4; ++h) distinct_heads += r.A(4 * h, 0) != r.A(0, 0);
  EXPECT_EQ(distinct_heads, 3);
  for (int h = 0; h < 4; ++h) {
    EXPECT_LE(r.A(4 * h, 0).real(), -1.0f);
    EXPECT_GE(r.A(4 * h, 0).real(), -16.0f);
  }
}

TEST(SsmInit, DiagonalInitsFollowThePapers) {
  const int N = 8;
  const VectorC lin = diagonal_init(SsmInit::S4DLin, N);
  const VectorC inv = diagonal_init(SsmInit::S4DInv, N);
  const VectorC real = diagonal_init(SsmInit::S4DReal, N);
  const VectorC legs = diagonal_init(SsmInit::HippoLegs, N);
  for (int n = 0; n < N; ++n) {
    EXPECT_EQ(lin(n), Complex(-0.5f, static_cast<float>(M_PI * n)));
    EXPECT_FLOAT_EQ(inv(n).imag(), static_cast<float>(N / M_PI * (N / (2.0 * n + 1) - 1)));
    EXPECT_EQ(real(n), Complex(-(n + 1.0f), 0.0f));
    // S4D-LegS: the normal part of HiPPO-LegS has real part exactly -1/2.
    EXPECT_NEAR(legs(n).real(), -0.5f, 1e-4f);
    EXPECT_GE(legs(n).imag(), 0.0f);
    if (n > 0) {
      EXPECT_GT(legs(n).imag(), legs(n - 1).imag());
    }
  }
  const Matrix A = hippo_legs_A(3);
  EXPECT_FLOAT_EQ(A(2, 0), -std::sqrt(5.0f));
  EXPECT_FLOAT_EQ(A(1, 1), -2.0f);
  EXPECT_EQ(A(0, 2), 0.0f);
  EXPECT_NEAR(inverse_softplus(std::log1p(std::exp(0.37))), 0.37, 1e-12);
}

TEST(SsmInit, DeltaStartsLogUniformInRange) {
  Session s = ssm_session(SsmVariant::S6, SsmInit::S4DReal, Discretization::Mamba, 64, 4);
  s.ssm.dt_min = 0.001;
  s.ssm.dt_max = 0.1;
  const SsmParams p = make_ssm_params(s);
  for (int d = 0; d < 64; ++d) {
    const double dt = std::log1p(std::exp(static_cast<double>(p.b_delta(d))));  // softplus(bias)
    EXPECT_GE(dt, 0.001 * 0.999);
    EXPECT_LE(dt, 0.1 * 1.001);
  }
  EXPECT_EQ(p.A(5, 3), Complex(-4.0f, 0.0f));  // A = -exp(log(1..N))
}

// ssm.delta_init = data_tokens (docs/session.md): on one-hot task tokens Δ is dt_max on every
// data symbol and dt_min on the reserved ids (blank, $, |, ?), in every channel; B and C keep
// Mamba's random init, and the default (random) init is not touched.
TEST(SsmInit, DataTokensDeltaIsDtMaxOnDataAndDtMinElsewhere) {
  for (SsmVariant variant : {SsmVariant::S6, SsmVariant::Mamba2})
    for (TaskKind task : {TaskKind::SelectiveCopy, TaskKind::Copy}) {
      Session s = ssm_session(variant, SsmInit::S4DReal, Discretization::Mamba, 16, 8);
      s.input.kind = InputKind::Task;
      s.input.task = task;
      s.input.length = 48;
      s.input.vocab = 16;
      s.input.embedding = Embedding::OneHot;
      s.ssm.dt_min = 0.002;
      s.ssm.dt_max = 0.5;
      s.ssm.delta_init = DeltaInit::DataTokens;
      const Inputs inputs = make_inputs(s);
      Timings timings;
      const SsmResults r = run_ssm(s, inputs.u, timings);
      int data = 0;
      for (int t = 0; t < r.L; ++t) {
        const bool is_data = inputs.tokens[static_cast<size_t>(t)] >= schema::kTaskFirstData;
        data += is_data;
        const double expected = is_data ? 0.5 : 0.002;
        for (int d = 0; d < r.D; ++d) EXPECT_NEAR(r.delta(t, d), expected, 1e-6 * expected) << t << "," << d;
      }
      EXPECT_GT(data, 0);
      Session random = s;
      random.ssm.delta_init = DeltaInit::Random;
      const SsmParams hand = make_ssm_params(s), drawn = make_ssm_params(random);
      EXPECT_EQ(hand.W_B, drawn.W_B);
      EXPECT_EQ(hand.W_C, drawn.W_C);
      EXPECT_NE(hand.W_delta, drawn.W_delta);
    }
  EXPECT_EQ(Session{}.ssm.delta_init, DeltaInit::Random);
}

TEST(SsmRun, DeterministicForASeedAndDifferentAcrossSeeds) {
  Session s = ssm_session(SsmVariant::S6, SsmInit::S4DReal, Discretization::Mamba, 8, 8);
  const Matrix u = random_u(20, 8);
  Timings timings;
  const Matrix y1 = run_ssm(s, u, timings).y;
  EXPECT_EQ(run_ssm(s, u, timings).y, y1);
  s.seed += 1;
  EXPECT_NE(run_ssm(s, u, timings).y, y1);
  EXPECT_GT(timings.count("ssm.scan"), 0u);
}

TEST(SsmRun, UserErrorsNameTheField) {
  Session s = ssm_session(SsmVariant::S4D, SsmInit::S4DLin, Discretization::Zoh, 4, 4);
  Timings timings;
  s.ssm.hidden_attention_channels = {4};
  try {
    run_ssm(s, random_u(5, 4), timings);
    FAIL() << "no error for channel 4 of 4";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("ssm.hidden_attention_channels"), std::string::npos);
  }
  s.ssm.hidden_attention_channels = {0};
  EXPECT_THROW(run_ssm(s, random_u(5, 3), timings), UserError);
  s.ssm.state_size = 0;
  EXPECT_THROW(run_ssm(s, random_u(5, 4), timings), UserError);
}

}  // namespace
}  // namespace seqscope::compute
