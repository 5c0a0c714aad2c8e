// The three views of an SSM agree: the recurrent scan, the causal convolution with
// K_k = C Abar^k Bbar (LTI), and the hidden-attention matrix alpha (every diagonal model),
// on every variant, init, discretization and several shapes.
//
// Tolerance: 2e-5 of the output's scale (normalized max error). The scan runs in float32; a
// mode with |Abar| = r carries rounding from min(L, 1/(1-r)) steps, each ~6e-8 relative, so
// L = 200 bounds it near 1.2e-5; the kernel and alpha accumulate in double. Seen: <= 1e-6.
// Any wrong factor (a missing 2 Re, an off-by-one in the product, a wrong Bbar) is >= 1e-2.
#include <gtest/gtest.h>

#include <string>

#include "compute/ssm/discretize.h"
#include "compute/ssm/hidden_attention.h"
#include "compute/ssm/ssm.h"
#include "tests/compute/math_test_util.h"

namespace seqscope::compute {
namespace {

using test::kShapes;
using test::max_error_over_scale;
using test::random_u;
using test::ssm_session;

constexpr double kViewTol = 2e-5;

// One report for the whole test_math binary.
[[maybe_unused]] ::testing::Environment* const kReport =
    ::testing::AddGlobalTestEnvironment(new test::WorstErrorReport);

// K: [D, L], u: [L, D], Dskip: [D] -> y: [L, D], y_t = sum_{k<=t} K_k u_{t-k} + D u_t (double)
Matrix causal_conv(const Matrix& K, const Matrix& u, const Vector& Dskip) {
  Matrix y(u.rows(), u.cols());
  for (Eigen::Index d = 0; d < u.cols(); ++d)
    for (Eigen::Index t = 0; t < u.rows(); ++t) {
      double acc = static_cast<double>(Dskip(d)) * u(t, d);
      for (Eigen::Index k = 0; k <= t; ++k) acc += static_cast<double>(K(d, k)) * u(t - k, d);
      y(t, d) = static_cast<float>(acc);
    }
  return y;
}

// alpha: [C, L, L] for channels 0..C-1, u: [L, D] -> y: [L, C] = alpha_d u_d + skip * Dskip u_d
Matrix apply_alpha(const SsmResults& r, const Matrix& u, float skip) {
  const int L = r.L;
  Matrix y(L, r.hidden_attention_channels.size());
  for (size_t i = 0; i < r.hidden_attention_channels.size(); ++i) {
    const int d = r.hidden_attention_channels[i];
    const Eigen::Map<const Matrix> alpha(r.hidden_attention.data.data() + i * L * L, L, L);
    y.col(static_cast<Eigen::Index>(i)) =
        (alpha.cast<double>() * u.col(d).cast<double>() + skip * r.Dskip(d) * u.col(d).cast<double>()).cast<float>();
  }
  return y;
}

struct LtiCase {
  SsmVariant variant;
  SsmInit init;
  Discretization method;
};

std::string name_of(const LtiCase& c) {
  static const char* variants[] = {"s4d", "dense", "shift", "s6", "mamba2"};
  static const char* inits[] = {"lin", "inv", "real", "legs", "random"};
  return std::string(variants[static_cast<int>(c.variant)]) + "_" + inits[static_cast<int>(c.init)] + "_" +
         discretization_name(c.method);
}

std::vector<LtiCase> all_cases(std::initializer_list<SsmVariant> variants) {
  std::vector<LtiCase> cases;
  for (SsmVariant v : variants)
    for (SsmInit init : {SsmInit::S4DLin, SsmInit::S4DInv, SsmInit::S4DReal, SsmInit::HippoLegs, SsmInit::Random})
      for (Discretization m : {Discretization::Zoh, Discretization::Mamba, Discretization::Bilinear,
                               Discretization::Euler, Discretization::BackwardEuler})
        cases.push_back({v, init, m});
  return cases;
}

class LtiViews : public ::testing::TestWithParam<LtiCase> {};

TEST_P(LtiViews, ScanEqualsConvolutionEqualsHiddenAttention) {
  const LtiCase c = GetParam();
  for (const auto& shape : kShapes) {
    Session s = ssm_session(c.variant, c.init, c.method, shape.D, shape.N);
    // Forward Euler on S4D-Lin's fast modes grows like |1 + delta a|^t; keep delta small so
    // the identity is tested on numbers, not on overflow.
    if (c.method == Discretization::Euler) s.ssm.dt_max = 0.01;
    const Matrix u = random_u(shape.L, shape.D);
    Timings timings;
    const SsmResults r = run_ssm(s, u, timings);
    SCOPED_TRACE(name_of(c) + " L=" + std::to_string(shape.L) + " D=" + std::to_string(shape.D) +
                 " N=" + std::to_string(shape.N));
    ASSERT_TRUE(r.lti);
    ASSERT_TRUE(r.y.allFinite());
    EXPECT_LE(test::track("lti scan vs K*u", max_error_over_scale(causal_conv(r.kernel, r.u, r.Dskip), r.y)), kViewTol);
    EXPECT_LE(test::track("lti scan vs alpha u", max_error_over_scale(apply_alpha(r, r.u, 1.0f), r.y)), kViewTol);
  }
}

INSTANTIATE_TEST_SUITE_P(S4dDenseShift, LtiViews,
                         ::testing::ValuesIn(all_cases({SsmVariant::S4D, SsmVariant::Dense, SsmVariant::Shift})),
                         [](const auto& param_info) { return name_of(param_info.param); });

class SelectiveViews : public ::testing::TestWithParam<LtiCase> {};

TEST_P(SelectiveViews, ScanEqualsHiddenAttentionPlusSkip) {
  const LtiCase c = GetParam();
  for (const auto& shape : kShapes) {
    Session s = ssm_session(c.variant, c.init, c.method, shape.D, shape.N);
    if (c.method == Discretization::Euler) s.ssm.dt_max = 0.01;
    const Matrix u = random_u(shape.L, shape.D, 3);
    Timings timings;
    const SsmResults r = run_ssm(s, u, timings);
    SCOPED_TRACE(name_of(c) + " L=" + std::to_string(shape.L));
    ASSERT_FALSE(r.lti);
    ASSERT_TRUE(r.y.allFinite());
    EXPECT_LE(test::track("selective scan vs alpha u", max_error_over_scale(apply_alpha(r, r.u, 1.0f), r.y)), kViewTol);
    // The Outputs panel's "alpha u" line: y - D u, against alpha times u without the skip. The
    // subtraction cancels D u, so its rounding is relative to y's scale, not to alpha u's.
    const Matrix mixed = apply_alpha(r, r.u, 0.0f);
    for (size_t i = 0; i < r.hidden_attention_channels.size(); ++i) {
      const int d = r.hidden_attention_channels[i];
      const std::vector<float> line = ssm_mixing(r, d);
      double worst = 0.0;
      for (int t = 0; t < r.L; ++t)
        worst = std::max(worst, std::abs(double(line[static_cast<size_t>(t)]) - mixed(t, static_cast<Eigen::Index>(i))));
      const double scale = std::max(1e-30, double(r.y.col(d).cwiseAbs().maxCoeff()));
      EXPECT_LE(test::track("y - D u vs alpha u", worst / scale), kViewTol);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(S6Mamba2, SelectiveViews, ::testing::ValuesIn(all_cases({SsmVariant::S6, SsmVariant::Mamba2})),
                         [](const auto& param_info) { return name_of(param_info.param); });

// The general hidden-attention loop (exp and product paths) on an LTI model equals the
// Toeplitz matrix of its kernel, which comes from an independent power loop.
TEST(HiddenAttention, GeneralLoopOnLtiIsToeplitzOfKernel) {
  for (SsmInit init : {SsmInit::S4DLin, SsmInit::S4DReal}) {
    for (Discretization m : {Discretization::Zoh, Discretization::Bilinear}) {
      Session s = ssm_session(SsmVariant::S4D, init, m, 4, 8);
      Timings timings;
      const SsmResults r = run_ssm(s, random_u(50, 4), timings);
      for (int d = 0; d < 4; ++d) {
        const Matrix alpha = hidden_attention_diagonal(r.Abar, r.Bbar, r.C, RowsPer::Channel, r.delta, r.A, d,
                                                       DecayMethod::Product, r.is_complex);
        const Matrix toeplitz = toeplitz_from_kernel(r.kernel.row(d));
        EXPECT_LE(max_error_over_scale(alpha, toeplitz), 1e-5) << "channel " << d;
        if (m == Discretization::Zoh) {
          const Matrix closed = hidden_attention_diagonal(r.Abar, r.Bbar, r.C, RowsPer::Channel, r.delta, r.A, d,
                                                          DecayMethod::ExpOfSums, r.is_complex);
          EXPECT_LE(max_error_over_scale(closed, toeplitz), 1e-5) << "channel " << d;
        }
        // Causal: exactly zero above the diagonal.
        EXPECT_EQ(alpha.triangularView<Eigen::StrictlyUpper>().toDenseMatrix().cwiseAbs().maxCoeff(), 0.0f);
      }
    }
  }
}

// A long selective sequence with fast modes: the exp(A (S_t - S_s)) path must give exact
// zeros (not NaN from 0/0) far below the diagonal and still match the scan.
TEST(HiddenAttention, LongSequenceDecaysToZeroWithoutNan) {
  Session s = ssm_session(SsmVariant::S6, SsmInit::S4DReal, Discretization::Mamba, 2, 16);
  s.ssm.dt_min = s.ssm.dt_max = 5.0;
  Timings timings;
  const Matrix u = random_u(400, 2);
  const SsmResults r = run_ssm(s, u, timings);
  ASSERT_TRUE(Eigen::Map<const Eigen::VectorXf>(r.hidden_attention.data.data(), r.hidden_attention.size()).allFinite());
  EXPECT_EQ(r.hidden_attention.at(0, 399, 0), 0.0f);
  EXPECT_LE(max_error_over_scale(apply_alpha(r, r.u, 1.0f), r.y), kViewTol);
}

// The closed form exp(A (S_t - S_s)) and the product of the float Abar agree on long
// selective sequences (real and complex A): they differ only by the rounding of each float
// Abar_k, ~L * 6e-8 relative to the largest entry; seen below 1e-6.
TEST(HiddenAttention, ExpOfSumsEqualsProductOnSelectiveModels) {
  for (SsmInit init : {SsmInit::S4DReal, SsmInit::S4DLin, SsmInit::HippoLegs})
    for (Discretization m : {Discretization::Zoh, Discretization::Mamba}) {
      Session s = ssm_session(SsmVariant::S6, init, m, 3, 8);
      Timings timings;
      const SsmResults r = run_ssm(s, random_u(300, 3, 9), timings);
      for (int d = 0; d < 3; ++d) {
        const Matrix product = hidden_attention_diagonal(r.Abar, r.Bbar, r.C, RowsPer::Step, r.delta, r.A, d,
                                                         DecayMethod::Product, r.is_complex);
        const Matrix closed = hidden_attention_diagonal(r.Abar, r.Bbar, r.C, RowsPer::Step, r.delta, r.A, d,
                                                        DecayMethod::ExpOfSums, r.is_complex);
        EXPECT_LE(test::track("alpha exp-of-sums vs product", max_error_over_scale(closed, product)), 1e-5);
      }
    }
}

// Bidirectional: y = y_fwd + flip(scan(flip(u))), checked against two unidirectional runs;
// alpha then covers both triangles and y = alpha u + 2 D u (each direction adds its skip).
TEST(Bidirectional, EqualsForwardPlusFlippedBackward) {
  for (SsmVariant v : {SsmVariant::S4D, SsmVariant::Dense, SsmVariant::S6, SsmVariant::Mamba2}) {
    const SsmInit init = v == SsmVariant::Dense ? SsmInit::HippoLegs : SsmInit::S4DLin;
    Session s = ssm_session(v, init, Discretization::Zoh, 6, 8);
    const Matrix u = random_u(33, 6, 5);
    Timings timings;
    const SsmResults fwd = run_ssm(s, u, timings);
    const SsmResults bwd = run_ssm(s, u.colwise().reverse(), timings);
    s.ssm.bidirectional = true;
    const SsmResults both = run_ssm(s, u, timings);
    SCOPED_TRACE(static_cast<int>(v));
    const Matrix expected = fwd.y + Matrix(bwd.y.colwise().reverse());
    EXPECT_LE(max_error_over_scale(both.y, expected), 1e-6);
    EXPECT_LE(max_error_over_scale(apply_alpha(both, both.u, 2.0f), both.y), kViewTol);
    // The backward state at t is the state of the reversed scan after it consumed u_{L-1}..u_t.
    EXPECT_EQ(both.h_bwd.data[0], bwd.h.data[static_cast<size_t>(32) * 6 * 8]);
  }
}

}  // namespace
}  // namespace seqscope::compute
