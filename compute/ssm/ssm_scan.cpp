// Recurrent SSM pieces (see ssm_scan.h): conv + SiLU, selective delta, sequence-wide diagonal
// discretization, diagonal and dense scans. Plain loops over channels; the state update of a
// channel is sequential in t by nature.
#include "compute/ssm/ssm_scan.h"

#include <cmath>

#include "compute/ssm/discretize.h"

namespace seqscope::compute {

Matrix causal_conv_silu(const Matrix& u, const Matrix& weight, const Vector& bias) {
  const Eigen::Index L = u.rows();
  const Eigen::Index D = u.cols();
  const Eigen::Index W = weight.cols();
  Matrix out(L, D);
  for (Eigen::Index t = 0; t < L; ++t)
    for (Eigen::Index d = 0; d < D; ++d) {
      float acc = bias(d);
      // Tap j sees u_{t - (W-1) + j}; taps before the sequence start see the zero padding.
      for (Eigen::Index j = 0; j < W; ++j) {
        const Eigen::Index s = t - (W - 1) + j;
        if (s >= 0) acc += weight(d, j) * u(s, d);
      }
      out(t, d) = silu(acc);
    }
  return out;
}

Matrix selective_delta(const Matrix& u, const Matrix& W_delta, const Vector& b_delta) {
  Matrix delta = u * W_delta;
  delta.rowwise() += b_delta.transpose();
  return delta.unaryExpr([](float x) { return softplus(x); });
}

void discretize_diagonal(const MatrixC& A, const Matrix& delta, const Matrix& B, RowsPer b_rows,
                         Discretization method, TensorC& Abar, TensorC& Bbar) {
  const Eigen::Index L = delta.rows();
  const Eigen::Index D = A.rows();
  const Eigen::Index N = A.cols();
  Abar = TensorC({L, D, N});
  Bbar = TensorC({L, D, N});
  const bool real_A = (A.imag().array() == 0.0f).all();
  for (Eigen::Index t = 0; t < L; ++t)
    for (Eigen::Index d = 0; d < D; ++d) {
      const float dt = delta(t, d);
      for (Eigen::Index n = 0; n < N; ++n) {
        const DiscreteMode m = real_A ? discretize_mode_real(A(d, n).real(), dt, method)
                                      : discretize_mode(A(d, n), dt, method);
        const float b = b_rows == RowsPer::Step ? B(t, n) : B(d, n);
        Abar.at(t, d, n) = m.Abar;
        Bbar.at(t, d, n) = m.bbar_scale * b;
      }
    }
}

ScanResult scan_diagonal(const TensorC& Abar, const TensorC& Bbar, const Matrix& u, const MatrixC& C,
                         RowsPer c_rows, const Vector& Dskip, bool two_re) {
  const int64_t L = Abar.shape[0];
  const int64_t D = Abar.shape[1];
  const int64_t N = Abar.shape[2];
  ScanResult r{TensorC({L, D, N}), Matrix(L, D)};
  const float re_scale = two_re ? 2.0f : 1.0f;
  for (int64_t d = 0; d < D; ++d) {
    for (int64_t t = 0; t < L; ++t) {
      const float ut = u(t, d);
      // Accumulate the readout in double: N terms of mixed sign, and the Vulkan backend is
      // held to 1e-5 relative against this reference.
      double acc = 0.0;
      for (int64_t n = 0; n < N; ++n) {
        const Complex prev = t > 0 ? r.h.at(t - 1, d, n) : Complex(0.0f, 0.0f);
        const Complex h = Abar.at(t, d, n) * prev + Bbar.at(t, d, n) * ut;
        r.h.at(t, d, n) = h;
        const Complex c = c_rows == RowsPer::Step ? C(t, n) : C(d, n);
        // Re(c h) = Re c Re h - Im c Im h
        acc += static_cast<double>(c.real()) * h.real() - static_cast<double>(c.imag()) * h.imag();
      }
      r.y(t, d) = re_scale * static_cast<float>(acc) + Dskip(d) * ut;
    }
  }
  return r;
}

ScanResult scan_dense(const Tensor& Abar, const Matrix& Bbar, const Matrix& u, const Matrix& C,
                      const Vector& Dskip) {
  const int64_t L = u.rows();
  const int64_t D = Abar.shape[0];
  const int64_t N = Abar.shape[1];
  ScanResult r{TensorC({L, D, N}), Matrix(L, D)};
  Vector h(N), prev(N);
  for (int64_t d = 0; d < D; ++d) {
    const Eigen::Map<const Matrix> Ad(Abar.data.data() + d * N * N, N, N);
    prev.setZero();
    for (int64_t t = 0; t < L; ++t) {
      h.noalias() = Ad * prev;
      h += Bbar.row(d).transpose() * u(t, d);
      double acc = 0.0;
      for (int64_t n = 0; n < N; ++n) {
        r.h.at(t, d, n) = Complex(h(n), 0.0f);
        acc += static_cast<double>(C(d, n)) * h(n);
      }
      r.y(t, d) = static_cast<float>(acc) + Dskip(d) * u(t, d);
      prev = h;
    }
  }
  return r;
}

Matrix flip_rows(const Matrix& x) { return x.colwise().reverse(); }

TensorC flip_steps(const TensorC& x) {
  TensorC out(x.shape);
  const int64_t L = x.shape[0];
  const int64_t step = L > 0 ? x.size() / L : 0;
  for (int64_t t = 0; t < L; ++t)
    std::copy(x.data.begin() + t * step, x.data.begin() + (t + 1) * step, out.data.begin() + (L - 1 - t) * step);
  return out;
}

}  // namespace seqscope::compute
