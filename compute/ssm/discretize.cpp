// Discretization of one diagonal mode and of a dense A (see discretize.h for the formulas).
// Diagonal modes use expm1 so that small delta*A keeps full relative precision in Bbar
// (exp(x) - 1 in float loses ~log10(1/|x|) digits, 4 digits at delta = 1e-3). Dense ZOH uses
// Van Loan's block exponential, exp([[dA, dB], [0, 0]]) = [[Abar, Bbar], [0, 1]], which needs
// no inverse of A (HiPPO's A is invertible, but a user's A need not be).
#include "compute/ssm/discretize.h"

#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <cmath>
#include <unsupported/Eigen/MatrixFunctions>

namespace seqscope::compute {

namespace {

using ComplexD = std::complex<double>;

// exp(z) - 1 without cancellation for small |z|.
ComplexD expm1_complex(ComplexD z) {
  const double x = z.real();
  const double y = z.imag();
  if (y == 0.0) return {std::expm1(x), 0.0};
  // exp(x) cos y - 1 = expm1(x) cos y - 2 sin^2(y/2)
  const double s = std::sin(0.5 * y);
  return {std::expm1(x) * std::cos(y) - 2.0 * s * s, std::exp(x) * std::sin(y)};
}

}  // namespace

DiscreteMode discretize_mode(Complex a_in, float delta_in, Discretization method) {
  const ComplexD a(a_in.real(), a_in.imag());
  const double delta = delta_in;
  const ComplexD dA = delta * a;
  ComplexD Abar;
  ComplexD scale;
  switch (method) {
    case Discretization::Zoh:
      Abar = std::exp(dA);
      // (exp(dA) - 1) / a; the limit delta as a -> 0.
      scale = std::abs(a) > 0.0 ? expm1_complex(dA) / a : ComplexD(delta);
      break;
    case Discretization::Mamba:
      Abar = std::exp(dA);
      scale = delta;
      break;
    case Discretization::Bilinear:
      Abar = (1.0 + 0.5 * dA) / (1.0 - 0.5 * dA);
      scale = delta / (1.0 - 0.5 * dA);
      break;
    case Discretization::Euler:
      Abar = 1.0 + dA;
      scale = delta;
      break;
    case Discretization::BackwardEuler:
      Abar = 1.0 / (1.0 - dA);
      scale = delta / (1.0 - dA);
      break;
  }
  return {Complex(static_cast<float>(Abar.real()), static_cast<float>(Abar.imag())),
          Complex(static_cast<float>(scale.real()), static_cast<float>(scale.imag()))};
}

DiscreteMode discretize_mode_real(float a_in, float delta_in, Discretization method) {
  // The complex formulas with imaginary parts 0, kept real because the selective scans call
  // this L*D*N times and a complex exp costs a sincos.
  const double a = a_in;
  const double delta = delta_in;
  const double dA = delta * a;
  double Abar = 0.0;
  double scale = 0.0;
  switch (method) {
    case Discretization::Zoh:
      Abar = std::exp(dA);
      scale = a != 0.0 ? std::expm1(dA) / a : delta;
      break;
    case Discretization::Mamba:
      Abar = std::exp(dA);
      scale = delta;
      break;
    case Discretization::Bilinear:
      Abar = (1.0 + 0.5 * dA) / (1.0 - 0.5 * dA);
      scale = delta / (1.0 - 0.5 * dA);
      break;
    case Discretization::Euler:
      Abar = 1.0 + dA;
      scale = delta;
      break;
    case Discretization::BackwardEuler:
      Abar = 1.0 / (1.0 - dA);
      scale = delta / (1.0 - dA);
      break;
  }
  return {Complex(static_cast<float>(Abar), 0.0f), Complex(static_cast<float>(scale), 0.0f)};
}

DenseDiscrete discretize_dense(const Matrix& A, const Vector& B, float delta_in, Discretization method) {
  const Eigen::Index n = A.rows();
  const double delta = delta_in;
  const Eigen::MatrixXd dA = delta * A.cast<double>();
  const Eigen::VectorXd dB = delta * B.cast<double>();
  const Eigen::MatrixXd I = Eigen::MatrixXd::Identity(n, n);
  Eigen::MatrixXd Abar;
  Eigen::VectorXd Bbar;
  switch (method) {
    case Discretization::Zoh: {
      Eigen::MatrixXd block = Eigen::MatrixXd::Zero(n + 1, n + 1);
      block.topLeftCorner(n, n) = dA;
      block.topRightCorner(n, 1) = dB;
      const Eigen::MatrixXd e = block.exp();
      Abar = e.topLeftCorner(n, n);
      Bbar = e.topRightCorner(n, 1);
      break;
    }
    case Discretization::Mamba:
      Abar = dA.exp();
      Bbar = dB;
      break;
    case Discretization::Bilinear: {
      const Eigen::PartialPivLU<Eigen::MatrixXd> lu(I - 0.5 * dA);
      Abar = lu.solve(I + 0.5 * dA);
      Bbar = lu.solve(dB);
      break;
    }
    case Discretization::Euler:
      Abar = I + dA;
      Bbar = dB;
      break;
    case Discretization::BackwardEuler: {
      const Eigen::PartialPivLU<Eigen::MatrixXd> lu(I - dA);
      Abar = lu.inverse();
      Bbar = lu.solve(dB);
      break;
    }
  }
  return {Abar.cast<float>(), Bbar.cast<float>()};
}

double spectral_radius(const Matrix& M) {
  if (M.rows() == 0) return 0.0;
  const Eigen::EigenSolver<Eigen::MatrixXd> solver(M.cast<double>(), /*computeEigenvectors=*/false);
  return solver.eigenvalues().cwiseAbs().maxCoeff();
}

const char* discretization_name(Discretization method) {
  switch (method) {
    case Discretization::Zoh: return "zoh";
    case Discretization::Mamba: return "mamba";
    case Discretization::Bilinear: return "bilinear";
    case Discretization::Euler: return "euler";
    case Discretization::BackwardEuler: return "backward_euler";
  }
  return "?";
}

}  // namespace seqscope::compute
