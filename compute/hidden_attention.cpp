// Convolution kernels and hidden-attention matrices (see hidden_attention.h). The O(L^2 N)
// hidden-attention loop runs only for the channels a panel asks for.
#include "hidden_attention.h"

#include <cmath>
#include <complex>
#include <vector>

namespace seqscope::compute {

namespace {
using ComplexD = std::complex<double>;
// exp(x) for x below this is 0 in float (the smallest denormal is ~exp(-103.3)).
constexpr double kExpFloatZero = -104.0;
}  // namespace

Eigen::RowVectorXf kernel_diagonal(const VectorC& Abar_d, const VectorC& Bbar_d, const VectorC& C_d, int L,
                                   bool two_re) {
  const Eigen::Index N = Abar_d.size();
  std::vector<ComplexD> power(static_cast<size_t>(N));  // C_n Abar_n^k Bbar_n
  for (Eigen::Index n = 0; n < N; ++n)
    power[static_cast<size_t>(n)] = ComplexD(C_d(n)) * ComplexD(Bbar_d(n));
  Eigen::RowVectorXf K(L);
  for (int k = 0; k < L; ++k) {
    double acc = 0.0;
    for (Eigen::Index n = 0; n < N; ++n) {
      acc += power[static_cast<size_t>(n)].real();
      power[static_cast<size_t>(n)] *= ComplexD(Abar_d(n));
    }
    K(k) = static_cast<float>(two_re ? 2.0 * acc : acc);
  }
  return K;
}

Eigen::RowVectorXf kernel_dense(const Matrix& Abar_d, const Vector& Bbar_d, const Vector& C_d, int L) {
  const Eigen::MatrixXd Ad = Abar_d.cast<double>();
  const Eigen::VectorXd c = C_d.cast<double>();
  Eigen::VectorXd v = Bbar_d.cast<double>();  // Abar^k Bbar
  Eigen::RowVectorXf K(L);
  for (int k = 0; k < L; ++k) {
    K(k) = static_cast<float>(c.dot(v));
    v = Ad * v;
  }
  return K;
}

Matrix toeplitz_from_kernel(const Eigen::RowVectorXf& K) {
  const Eigen::Index L = K.size();
  Matrix alpha = Matrix::Zero(L, L);
  for (Eigen::Index t = 0; t < L; ++t)
    for (Eigen::Index s = 0; s <= t; ++s) alpha(t, s) = K(t - s);
  return alpha;
}

Matrix hidden_attention_diagonal(const TensorC& Abar, const TensorC& Bbar, const MatrixC& C, RowsPer c_rows,
                                 const Matrix& delta, const MatrixC& A, int d, bool exp_decay, bool two_re) {
  const int64_t L = Abar.shape[0];
  const int64_t N = Abar.shape[2];
  // Running sums S_t = sum_{k<=t} delta_k in double: S_t - S_s then keeps its digits even
  // when S_t is large and the difference small.
  std::vector<double> S(static_cast<size_t>(L));
  double run = 0.0;
  for (int64_t t = 0; t < L; ++t) S[static_cast<size_t>(t)] = run += delta(t, d);

  Eigen::MatrixXd acc = Eigen::MatrixXd::Zero(L, L);
  for (int64_t s = 0; s < L; ++s)
    for (int64_t n = 0; n < N; ++n) {
      const ComplexD bbar(Bbar.at(s, d, n));
      const ComplexD a(A(d, n));
      ComplexD prod(1.0, 0.0);  // prod_{k=s+1..t} Abar_k (multiplicative path)
      for (int64_t t = s; t < L; ++t) {
        ComplexD decay;
        if (exp_decay) {
          const double span = S[static_cast<size_t>(t)] - S[static_cast<size_t>(s)];
          // Re a <= 0 and S increases, so once the decay is a float zero it stays zero.
          if (a.real() * span < kExpFloatZero) break;
          decay = a.imag() == 0.0 ? ComplexD(std::exp(a.real() * span), 0.0) : std::exp(a * span);
        } else {
          if (t > s) prod *= ComplexD(Abar.at(t, d, n));
          decay = prod;
        }
        const ComplexD c(c_rows == RowsPer::Step ? C(t, n) : C(d, n));
        acc(t, s) += (c * decay * bbar).real();
      }
    }
  if (two_re) acc *= 2.0;
  return acc.cast<float>();
}

Matrix flip_both(const Matrix& alpha) { return alpha.colwise().reverse().rowwise().reverse(); }

}  // namespace seqscope::compute
