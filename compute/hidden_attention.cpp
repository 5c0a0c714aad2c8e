// Convolution kernels and hidden-attention matrices (see hidden_attention.h). The O(L^2 N)
// hidden-attention loop runs only for the channels a panel asks for.
#include "hidden_attention.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <vector>

#include "decay_walk.h"
#include "parallel.h"

namespace seqscope::compute {

using namespace decay_walk;

Eigen::RowVectorXf kernel_diagonal(const VectorC& Abar_d, const VectorC& Bbar_d, const VectorC& C_d, int L,
                                   bool two_re) {
  const Eigen::Index N = Abar_d.size();
  std::vector<ComplexD> power(static_cast<size_t>(N));  // C_n Abar_n^k Bbar_n
  for (Eigen::Index n = 0; n < N; ++n)
    power[static_cast<size_t>(n)] = ComplexD(C_d(n)) * ComplexD(Bbar_d(n));
  Eigen::RowVectorXf K(L);
  for (int k = 0; k < L; ++k) {
    double acc = 0.0, largest = 0.0;
    for (Eigen::Index n = 0; n < N; ++n) {
      ComplexD& p = power[static_cast<size_t>(n)];
      acc += p.real();
      p *= ComplexD(Abar_d(n));
      // A power below a float zero (|p| < 1e-45) adds nothing to the float K; flushed to 0 it
      // does not walk on into double denormals, which cost ~100x per multiply.
      if (std::norm(p) < 1e-90) p = 0.0;
      largest = std::max(largest, std::norm(p));
    }
    K(k) = static_cast<float>(two_re ? 2.0 * acc : acc);
    if (largest == 0.0) {  // every mode has decayed: the rest of K is 0
      K.tail(L - k - 1).setZero();
      break;
    }
  }
  return K;
}

Matrix kernel_diagonal_all(const MatrixC& Abar, const MatrixC& Bbar, const MatrixC& C, int L, bool two_re) {
  const Eigen::Index D = Abar.rows();
  Matrix K(D, L);
  parallel_for(D, std::max<int64_t>(1, kMinWorkPerThread / std::max<int64_t>(1, int64_t{L} * Abar.cols())),
               [&](int64_t d0, int64_t d1, int) {
                 for (int64_t d = d0; d < d1; ++d)
                   K.row(d) = kernel_diagonal(Abar.row(d).transpose(), Bbar.row(d).transpose(), C.row(d).transpose(), L,
                                              two_re);
               });
  return K;
}

Eigen::RowVectorXf kernel_dense(const Matrix& Abar_d, const Vector& Bbar_d, const Vector& C_d, int L) {
  const Eigen::MatrixXd Ad = Abar_d.cast<double>();
  const Eigen::VectorXd c = C_d.cast<double>();
  Eigen::VectorXd v = Bbar_d.cast<double>();  // Abar^k Bbar
  Eigen::VectorXd next(v.size());
  Eigen::RowVectorXf K(L);
  for (int k = 0; k < L; ++k) {
    K(k) = static_cast<float>(c.dot(v));
    next.noalias() = Ad * v;  // no temporary per step
    v.swap(next);
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

namespace {

// One channel's data laid out [N][L] so that the inner loop over t is contiguous.
template <typename T>
struct ChannelData {
  std::vector<T> Abar, Bbar, C;
};

template <typename T>
ChannelData<T> gather_channel(const TensorC& Abar, const TensorC& Bbar, const MatrixC& C, RowsPer c_rows, int d) {
  const int64_t L = Abar.shape[0], N = Abar.shape[2];
  const size_t size = static_cast<size_t>(N * L);
  ChannelData<T> c{std::vector<T>(size, T(0)), std::vector<T>(size, T(0)), std::vector<T>(size, T(0))};
  for (int64_t n = 0; n < N; ++n)
    for (int64_t t = 0; t < L; ++t) {
      const size_t i = static_cast<size_t>(n * L + t);
      c.Abar[i] = from_float<T>(Abar.at(t, d, n));
      c.Bbar[i] = from_float<T>(Bbar.at(t, d, n));
      c.C[i] = from_float<T>(c_rows == RowsPer::Step ? C(t, n) : C(d, n));
    }
  return c;
}

// T = double for real models (imaginary parts are exactly 0), complex<double> otherwise.
template <typename T>
Eigen::MatrixXd alpha_loop(const ChannelData<T>& ch, const std::vector<double>& S, const MatrixC& A, int d, int64_t L,
                           int64_t N, DecayMethod method) {
  Eigen::MatrixXd acc = Eigen::MatrixXd::Zero(L, L);  // column-major: t is contiguous
  // Column s is written by one worker only; strided columns balance the triangle.
  parallel_strided(L, 64, [&](int64_t s, int) {
    for (int64_t n = 0; n < N; ++n) {
      const size_t row = static_cast<size_t>(n * L);
      const T bbar = ch.Bbar[row + static_cast<size_t>(s)];
      const T a = from_float<T>(A(d, n));
      T prod = bbar;  // prod_{k=s+1..t} Abar_k Bbar_s
      for (int64_t t = s; t < L; ++t) {
        if (method == DecayMethod::Product) {
          if (t > s) prod *= ch.Abar[row + static_cast<size_t>(t)];
        } else {
          prod = std::exp(a * (S[static_cast<size_t>(t)] - S[static_cast<size_t>(s)])) * bbar;
        }
        // Re a <= 0 for every mode that reaches here stably: once a float zero, always zero.
        if (norm_of(prod) < kFloatZeroNorm) break;
        acc(t, s) += real_of(ch.C[row + static_cast<size_t>(t)] * prod);
      }
    }
  });
  return acc;
}

// Real modes, Product method: column s of alpha per task; the N decay chains advance together
// along t (independent multiplies instead of one serial chain per mode) and each is flushed to
// an exact 0 once below a float zero, which is where alpha_loop stops that mode. Every entry
// of acc is written once.
Eigen::MatrixXd alpha_real_product(const ChannelData<double>& ch, int64_t L, int64_t N) {
  using RowMajorD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  // [N][L] -> [L][N]: step t's modes contiguous.
  const RowMajorD Abar = Eigen::Map<const Eigen::MatrixXd>(ch.Abar.data(), L, N);
  const RowMajorD C = Eigen::Map<const Eigen::MatrixXd>(ch.C.data(), L, N);
  const RowMajorD Bbar = Eigen::Map<const Eigen::MatrixXd>(ch.Bbar.data(), L, N);
  Eigen::MatrixXd acc(L, L);  // column-major: column s is one task's
  std::vector<Eigen::ArrayXd> prods(static_cast<size_t>(worker_count()), Eigen::ArrayXd(N));
  // A column averages L / 2 steps of N modes.
  const int64_t min_columns = std::max<int64_t>(64, 2 * kMinWorkPerThread / std::max<int64_t>(1, L * N));
  parallel_strided(L, min_columns, [&](int64_t s, int worker) {
    double* col = acc.data() + s * L;
    std::fill(col, col + s, 0.0);
    Eigen::ArrayXd& prod = prods[static_cast<size_t>(worker)];
    prod = Bbar.row(s).array().transpose();
    for (int64_t t = s; t < L; ++t) {
      if (t > s) prod *= Abar.row(t).array().transpose();
      prod = (prod.square() < kFloatZeroNorm).select(0.0, prod);
      col[t] = (C.row(t).array().transpose() * prod).sum();
      if ((t & 63) == 0 && (prod == 0.0).all()) {
        std::fill(col + t + 1, col + L, 0.0);  // every mode has decayed to a float zero
        break;
      }
    }
  });
  return acc;
}

}  // namespace

Matrix hidden_attention_diagonal(const TensorC& Abar, const TensorC& Bbar, const MatrixC& C, RowsPer c_rows,
                                 const Matrix& delta, const MatrixC& A, int d, DecayMethod method, bool two_re) {
  const int64_t L = Abar.shape[0], N = Abar.shape[2];
  // Running sums S_t = sum_{k<=t} delta_k in double: S_t - S_s keeps its digits even when S_t
  // is large and the difference small.
  std::vector<double> S(static_cast<size_t>(L));
  double run = 0.0;
  for (int64_t t = 0; t < L; ++t) S[static_cast<size_t>(t)] = run += delta(t, d);
  bool real = true;
  for (int64_t n = 0; n < N && real; ++n) real = A(d, n).imag() == 0.0f;
  if (c_rows == RowsPer::Channel)
    for (int64_t n = 0; n < N && real; ++n) real = C(d, n).imag() == 0.0f;
  Eigen::MatrixXd acc = real && method == DecayMethod::Product
                            ? alpha_real_product(gather_channel<double>(Abar, Bbar, C, c_rows, d), L, N)
                        : real ? alpha_loop(gather_channel<double>(Abar, Bbar, C, c_rows, d), S, A, d, L, N, method)
                             : alpha_loop(gather_channel<ComplexD>(Abar, Bbar, C, c_rows, d), S, A, d, L, N, method);
  // Column-major double -> row-major float in 64 x 64 tiles (a plain assignment would stride
  // through memory a whole column per element), with the 2 Re(...) factor folded in.
  Matrix alpha(L, L);
  const double factor = two_re ? 2.0 : 1.0;
  constexpr int64_t kTile = 64;
  const int64_t tiles = (L + kTile - 1) / kTile;
  parallel_for(tiles, std::max<int64_t>(1, kMinWorkPerThread / (kTile * L)), [&](int64_t r0, int64_t r1, int) {
    for (int64_t i = r0 * kTile; i < std::min(L, r1 * kTile); i += kTile)
      for (int64_t j = 0; j < L; j += kTile) {
        const int64_t bi = std::min(kTile, L - i), bj = std::min(kTile, L - j);
        alpha.block(i, j, bi, bj) = (acc.block(i, j, bi, bj) * factor).cast<float>();
      }
  });
  return alpha;
}

Matrix flip_both(const Matrix& alpha) { return alpha.colwise().reverse().rowwise().reverse(); }

}  // namespace seqscope::compute
