// Convolution kernels and hidden-attention matrices (see hidden_attention.h). The O(L^2 N)
// hidden-attention loop runs only for the channels a panel asks for.
#include "compute/ssm/hidden_attention.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <vector>

#include "compute/ssm/column_group_walk.h"
#include "compute/ssm/decay_walk.h"
#include "core/parallel.h"

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

// Real modes, Product method: blocks of kBlock columns (kBlock / kGroup column groups,
// column_group_walk.h) in tiles of kBlock rows. Each group walks kBlock steps into the tile,
// which stays in cache, and the tile's rows go to alpha as runs of kBlock floats: a page of
// alpha is visited once per tile, not once per step and group. Every entry is written once,
// as float with the 2 Re(...) factor folded in: 0 above the diagonal and past a group's decay.
constexpr int kBlock = 64;
using Tile = std::array<float, kBlock * kBlock>;  // [kBlock rows t][kBlock columns s]

// Rows [t0, t0 + rows) of the block's groups into tile.
void walk_tile(std::vector<ColumnGroup>& groups, int t0, int rows, double factor, Tile& tile) {
  using namespace Eigen::internal;
  tile.fill(0.0f);
  for (size_t k = 0; k < groups.size(); ++k) {
    if (!groups[k].alive()) continue;
    const int first = static_cast<int>(k) * kGroup;  // the group's first column in the block
    groups[k].walk(t0 + rows, [&](int t, const PacketD& values) {
      const Lanes x(pmul(values, pset1<PacketD>(factor)));
      float* row = tile.data() + (t - t0) * kBlock + first;
      for (int j = 0; j < kGroup; ++j) row[j] = static_cast<float>(x.v[j]);  // lanes past the block are never read
    });
  }
}

Matrix alpha_real_groups(const StepMajorReal& ch, double factor) {
  const int L = ch.L;
  Matrix alpha(L, L);
  const int64_t blocks = (L + kBlock - 1) / kBlock;
  // A block averages L / 2 steps of N modes per column.
  const int64_t min_blocks = std::max<int64_t>(1, 2 * kMinWorkPerThread / std::max<int64_t>(1, int64_t{L} * ch.N * kBlock));
  parallel_strided(blocks, min_blocks, [&](int64_t b, int) {
    const FlushDenormals flush;
    const int c0 = static_cast<int>(b) * kBlock, width = std::min(kBlock, L - c0);
    for (int t = 0; t < c0; ++t) std::fill_n(alpha.data() + int64_t{t} * L + c0, width, 0.0f);  // above the diagonal
    std::vector<ColumnGroup> groups;
    groups.reserve(kBlock / kGroup);
    for (int s0 = c0; s0 < c0 + width; s0 += kGroup) groups.emplace_back(ch, s0, std::min(kGroup, c0 + width - s0));
    Tile tile;
    for (int t0 = c0; t0 < L; t0 += kBlock) {
      const int rows = std::min(kBlock, L - t0);
      walk_tile(groups, t0, rows, factor, tile);
      for (int r = 0; r < rows; ++r)
        std::copy_n(tile.data() + r * kBlock, width, alpha.data() + int64_t{t0 + r} * L + c0);
    }
  });
  return alpha;
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
  const double factor = two_re ? 2.0 : 1.0;
  if (real && method == DecayMethod::Product)
    return alpha_real_groups(gather_step_major<double>(Abar, Bbar, C, c_rows == RowsPer::Step, d), factor);
  const Eigen::MatrixXd acc = real ? alpha_loop(gather_channel<double>(Abar, Bbar, C, c_rows, d), S, A, d, L, N, method)
                                   : alpha_loop(gather_channel<ComplexD>(Abar, Bbar, C, c_rows, d), S, A, d, L, N, method);
  // Column-major double -> row-major float in 64 x 64 tiles (a plain assignment would stride
  // through memory a whole column per element), with the 2 Re(...) factor folded in.
  Matrix alpha(L, L);
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
