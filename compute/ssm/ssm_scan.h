// The recurrent side of the SSM layer: projections that make a model selective, the causal
// depthwise conv and gate around the scan, diagonal discretization over a whole sequence,
// and the scans themselves (diagonal, complex-capable, and dense).
#pragma once
#include "compute/session/session.h"
#include "core/types.h"

namespace seqscope::compute {

inline float softplus(float x) { return x > 20.0f ? x : std::log1p(std::exp(x)); }  // torch's threshold 20
inline float silu(float x) { return x / (1.0f + std::exp(-x)); }

// u: [L, D], weight: [D, W], bias: [D] -> [L, D] = silu(causal depthwise conv(u)); tap W-1
// multiplies u_t (PyTorch Conv1d with padding W-1, truncated to the first L outputs).
Matrix causal_conv_silu(const Matrix& u, const Matrix& weight, const Vector& bias);

// u: [L, D], W_delta: [D, G], b_delta: [G] -> delta: [L, G] = softplus(u W_delta + b_delta)
Matrix selective_delta(const Matrix& u, const Matrix& W_delta, const Vector& b_delta);

// Where B and C live: one row per step (selective, [L, N], shared by channels) or one row per
// channel (LTI, [D, N]).
enum class RowsPer { Step, Channel };

// A: [D, N], delta: [L, D], B: [L, N] or [D, N] -> Abar, Bbar: [L, D, N]
// (Bbar includes B). Real A takes the real path, so its results have imaginary part 0 exactly.
void discretize_diagonal(const MatrixC& A, const Matrix& delta, const Matrix& B, RowsPer b_rows,
                         Discretization method, TensorC& Abar, TensorC& Bbar);

struct ScanResult {
  TensorC h;  // [L, D, N]
  Matrix y;   // [L, D] = sum_n C h + D u (2 Re(...) for complex models), before any gate
};

// Abar, Bbar: [L, D, N], u: [L, D], C: [L, N] or [D, N], Dskip: [D] -> h: [L, D, N], y: [L, D]
// h_t = Abar_t h_{t-1} + Bbar_t u_t, h_{-1} = 0; y_t = sum_n C_t h_t (x2, real part, when
// two_re) + Dskip u_t.
ScanResult scan_diagonal(const TensorC& Abar, const TensorC& Bbar, const Matrix& u, const MatrixC& C,
                         RowsPer c_rows, const Vector& Dskip, bool two_re);

// Abar: [D, N, N], Bbar: [D, N], u: [L, D], C: [D, N], Dskip: [D] -> h: [L, D, N], y: [L, D]
ScanResult scan_dense(const Tensor& Abar, const Matrix& Bbar, const Matrix& u, const Matrix& C,
                      const Vector& Dskip);

// x: [L, ...] -> x reversed along its first axis (for the backward scan).
Matrix flip_rows(const Matrix& x);
TensorC flip_steps(const TensorC& x);

}  // namespace seqscope::compute
