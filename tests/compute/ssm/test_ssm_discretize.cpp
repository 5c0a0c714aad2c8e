// Discretization: the diagonal closed forms against the matrix formulas (computed here in
// double with Eigen's matrix exponential and LU), the dense path against the textbook ZOH
// formula, the Delta -> 0 limit, stability of ZOH / bilinear / backward Euler for Re A < 0,
// and the unstable-channel report for forward Euler.
#include <gtest/gtest.h>

#include <unsupported/Eigen/MatrixFunctions>

#include "compute/ssm/discretize.h"
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
using MatrixCD = Eigen::MatrixXcd;

// Modes to test: S4D-Lin, S4D-Inv, S4D-Real and S4D-LegS modes of size 8 (complex and real).
std::vector<Complex> test_modes() {
  std::vector<Complex> modes;
  for (SsmInit init : {SsmInit::S4DLin, SsmInit::S4DInv, SsmInit::S4DReal, SsmInit::HippoLegs}) {
    const VectorC a = diagonal_init(init, 8);
    modes.insert(modes.end(), a.begin(), a.end());
  }
  return modes;
}

const float kDeltas[] = {1e-4f, 1e-3f, 0.01f, 0.1f, 1.0f};

// Float rounding of one result computed in double: 2^-24 relative, times a few ops.
constexpr double kModeTol = 1e-6;

TEST(Discretize, ZohDiagonalEqualsMatrixExponential) {
  const std::vector<Complex> modes = test_modes();
  const Eigen::Index N = static_cast<Eigen::Index>(modes.size());
  MatrixCD A = MatrixCD::Zero(N, N);
  for (Eigen::Index n = 0; n < N; ++n) A(n, n) = ComplexD(modes[static_cast<size_t>(n)]);
  for (float delta : kDeltas) {
    // Textbook dense ZOH: Abar = exp(dA), Bbar = (dA)^-1 (exp(dA) - I) dB with B = ones.
    const MatrixCD dA = static_cast<double>(delta) * A;
    const MatrixCD Abar = dA.exp();
    const Eigen::VectorXcd Bbar =
        dA.partialPivLu().solve((Abar - MatrixCD::Identity(N, N)) * Eigen::VectorXcd::Constant(N, delta));
    for (Eigen::Index n = 0; n < N; ++n) {
      const DiscreteMode m = discretize_mode(modes[static_cast<size_t>(n)], delta, Discretization::Zoh);
      EXPECT_LE(track("zoh diag vs expm (Abar)", std::abs(ComplexD(m.Abar) - Abar(n, n)) / std::abs(Abar(n, n))), kModeTol);
      EXPECT_LE(track("zoh diag vs expm (Bbar)", std::abs(ComplexD(m.bbar_scale) - Bbar(n)) / std::abs(Bbar(n))), 1e-5)
          << "a = " << modes[static_cast<size_t>(n)] << " delta = " << delta;
    }
  }
}

TEST(Discretize, BilinearAndEulerDiagonalEqualDenseFormulas) {
  const std::vector<Complex> modes = test_modes();
  const Eigen::Index N = static_cast<Eigen::Index>(modes.size());
  MatrixCD A = MatrixCD::Zero(N, N);
  for (Eigen::Index n = 0; n < N; ++n) A(n, n) = ComplexD(modes[static_cast<size_t>(n)]);
  const MatrixCD I = MatrixCD::Identity(N, N);
  for (float delta : kDeltas) {
    const double dt = delta;
    const MatrixCD Ab_bil = (I - dt / 2 * A).partialPivLu().solve(I + dt / 2 * A);
    const MatrixCD Bb_bil = (I - dt / 2 * A).partialPivLu().solve(dt * I);
    const MatrixCD Ab_be = (I - dt * A).inverse();
    for (Eigen::Index n = 0; n < N; ++n) {
      const Complex a = modes[static_cast<size_t>(n)];
      const DiscreteMode bil = discretize_mode(a, delta, Discretization::Bilinear);
      // Abar can be exactly 0 (a = -2/delta), so its error is taken against max(|Abar|, 1).
      EXPECT_LE(track("bilinear diag vs dense",
                      std::abs(ComplexD(bil.Abar) - Ab_bil(n, n)) / std::max(1.0, std::abs(Ab_bil(n, n)))),
                kModeTol);
      EXPECT_LE(std::abs(ComplexD(bil.bbar_scale) - Bb_bil(n, n)) / std::abs(Bb_bil(n, n)), kModeTol);
      const DiscreteMode be = discretize_mode(a, delta, Discretization::BackwardEuler);
      EXPECT_LE(std::abs(ComplexD(be.Abar) - Ab_be(n, n)) / std::max(1.0, std::abs(Ab_be(n, n))), kModeTol);
      const DiscreteMode fe = discretize_mode(a, delta, Discretization::Euler);
      EXPECT_LE(std::abs(ComplexD(fe.Abar) - (1.0 + dt * ComplexD(a))), 1e-6 * std::abs(1.0 + dt * ComplexD(a)));
      const DiscreteMode mb = discretize_mode(a, delta, Discretization::Mamba);
      EXPECT_EQ(mb.bbar_scale, Complex(delta, 0.0f));  // selective_scan_ref: Bbar = delta B
      EXPECT_EQ(mb.Abar, discretize_mode(a, delta, Discretization::Zoh).Abar);
    }
  }
}

// The real path (used by selective scans) equals the complex formulas with imaginary 0.
TEST(Discretize, RealPathMatchesComplexPath) {
  for (int n = 1; n <= 16; ++n)
    for (float delta : kDeltas)
      for (Discretization m : {Discretization::Zoh, Discretization::Mamba, Discretization::Bilinear,
                               Discretization::Euler, Discretization::BackwardEuler}) {
        const DiscreteMode r = discretize_mode_real(-static_cast<float>(n), delta, m);
        const DiscreteMode c = discretize_mode(Complex(-static_cast<float>(n), 0.0f), delta, m);
        EXPECT_EQ(r.Abar.imag(), 0.0f);
        EXPECT_NEAR(r.Abar.real(), c.Abar.real(), 1e-7f * std::abs(c.Abar.real()) + 1e-30f);
        EXPECT_NEAR(r.bbar_scale.real(), c.bbar_scale.real(), 1e-7f * std::abs(c.bbar_scale.real()));
      }
}

// Dense ZOH (Van Loan block exponential) against (dA)^-1 (exp(dA) - I) dB for HiPPO-LegS and a
// random stable A, and the dense path on a diagonal A against the diagonal closed form.
TEST(Discretize, DenseZohEqualsTextbookFormula) {
  for (int N : {1, 4, 16}) {
    Session s;
    s.ssm.state_size = N;
    s.ssm.variant = SsmVariant::Dense;
    s.ssm.init = SsmInit::Random;
    for (const Matrix& A : {hippo_legs_A(N), make_ssm_params(s).A_dense}) {
      const Vector B = hippo_legs_B(N);
      for (float delta : kDeltas) {
        const DenseDiscrete dd = discretize_dense(A, B, delta, Discretization::Zoh);
        const Eigen::MatrixXd dA = static_cast<double>(delta) * A.cast<double>();
        const Eigen::MatrixXd Abar = dA.exp();
        const Eigen::VectorXd Bbar =
            dA.partialPivLu().solve((Abar - Eigen::MatrixXd::Identity(N, N)) * (delta * B.cast<double>()));
        EXPECT_LE(track("dense zoh vs textbook (Abar)", max_error_over_scale(dd.Abar.cast<double>(), Abar)), 1e-5);
        EXPECT_LE(track("dense zoh vs textbook (Bbar)", max_error_over_scale(dd.Bbar.cast<double>(), Bbar)), 1e-5);
      }
    }
  }
  const Matrix A = Vector(diagonal_init(SsmInit::S4DReal, 6).real()).asDiagonal();
  const DenseDiscrete dd = discretize_dense(A, Vector::Ones(6), 0.3f, Discretization::Zoh);
  for (int n = 0; n < 6; ++n) {
    const DiscreteMode m = discretize_mode_real(A(n, n), 0.3f, Discretization::Zoh);
    EXPECT_NEAR(dd.Abar(n, n), m.Abar.real(), 1e-6f);
    EXPECT_NEAR(dd.Bbar(n), m.bbar_scale.real(), 1e-6f);
  }
}

TEST(Discretize, SmallDeltaGivesIdentity) {
  const float delta = 1e-7f;
  for (Discretization m : {Discretization::Zoh, Discretization::Mamba, Discretization::Bilinear,
                           Discretization::Euler, Discretization::BackwardEuler}) {
    for (Complex a : test_modes()) {
      const DiscreteMode dm = discretize_mode(a, delta, m);
      // |Abar - 1| ~ delta |a| <= 1e-7 * 60 for these modes; Bbar / B ~ delta.
      EXPECT_LE(std::abs(dm.Abar - Complex(1.0f, 0.0f)), 1e-5f) << discretization_name(m) << " a=" << a;
      EXPECT_LE(std::abs(dm.bbar_scale), 1.01f * delta);
    }
    const DenseDiscrete dd = discretize_dense(hippo_legs_A(8), hippo_legs_B(8), delta, m);
    EXPECT_LE((dd.Abar - Matrix::Identity(8, 8)).cwiseAbs().maxCoeff(), 1e-5f) << discretization_name(m);
  }
}

// ZOH, bilinear and backward Euler map Re a < 0 strictly inside the unit circle for any delta.
// Grid kept where the exact |Abar| <= 1 - 1e-6, so float rounding cannot reach 1.
TEST(Discretize, StableMethodsKeepAbarInsideUnitCircle) {
  for (double re : {-1e-2, -0.5, -1.0, -10.0, -100.0})
    for (double im : {0.0, 1.0, 10.0, 100.0})
      for (float delta : {1e-3f, 0.1f, 1.0f, 10.0f}) {
        const Complex a(static_cast<float>(re), static_cast<float>(im));
        if (-re * delta < 1e-5) continue;
        for (Discretization m : {Discretization::Zoh, Discretization::Bilinear, Discretization::BackwardEuler}) {
          const DiscreteMode dm = discretize_mode(a, delta, m);
          const ComplexD x = static_cast<double>(delta) * ComplexD(a);
          const double exact = m == Discretization::Zoh        ? std::exp(x.real())
                               : m == Discretization::Bilinear ? std::abs((1.0 + x / 2.0) / (1.0 - x / 2.0))
                                                               : 1.0 / std::abs(1.0 - x);
          if (exact > 1.0 - 1e-6) continue;
          EXPECT_LT(std::abs(dm.Abar), 1.0f) << discretization_name(m) << " a=" << a << " delta=" << delta;
        }
      }
}

TEST(Discretize, ForwardEulerAtLargeDeltaIsFlaggedUnstable) {
  for (SsmVariant v : {SsmVariant::S4D, SsmVariant::Dense, SsmVariant::S6, SsmVariant::Mamba2}) {
    Session s = ssm_session(v, SsmInit::S4DReal, Discretization::Euler, 4, 8);
    s.ssm.dt_min = s.ssm.dt_max = 2.0;  // |1 - 2 (n+1)| > 1 for every mode (Mamba-2: a <= -1)
    Timings timings;
    const Matrix u = random_u(20, 4);
    const SsmResults big = run_ssm(s, u, timings);
    EXPECT_EQ(big.unstable_channels.size(), 4u) << static_cast<int>(v);
    EXPECT_GT(big.max_abs_eig_discrete, 1.0);
    // Same deltas with ZOH: stable, nothing flagged.
    s.ssm.discretization = Discretization::Zoh;
    EXPECT_FALSE(run_ssm(s, u, timings).unstable()) << static_cast<int>(v);
    // Forward Euler with a small step: stable for real modes.
    s.ssm.discretization = Discretization::Euler;
    s.ssm.dt_min = 1e-3;
    s.ssm.dt_max = 1e-2;
    EXPECT_FALSE(run_ssm(s, u, timings).unstable()) << static_cast<int>(v);
  }
  // S4D-Lin's fast oscillating modes leave the unit circle under forward Euler even at small
  // delta (|1 + delta(-1/2 + i pi n)| > 1 once pi^2 n^2 delta > 1): reported, not hidden.
  Session s = ssm_session(SsmVariant::S4D, SsmInit::S4DLin, Discretization::Euler, 2, 64);
  s.ssm.dt_min = s.ssm.dt_max = 0.01;
  Timings timings;
  EXPECT_EQ(run_ssm(s, random_u(5, 2), timings).unstable_channels, (std::vector<int>{0, 1}));
}

}  // namespace
}  // namespace seqscope::compute
