// The two non-recurrent views of an SSM: the convolution kernel of an LTI model
// (K_k = C Abar^k Bbar, y = K * u + D u) and the hidden-attention matrix of any diagonal model
// (Ali, Zimerman, Wolf 2024): alpha_d[t, s] = sum_n C[t, n] prod_{k=s+1..t} Abar_d[k, n] Bbar_d[s, n]
// for s <= t, 0 above the diagonal, so that y_d = alpha_d u_d + D u_d.
#pragma once
#include <vector>

#include "compute/session/map_overview.h"
#include "compute/session/session.h"
#include "compute/ssm/ssm_results.h"
#include "compute/ssm/ssm_scan.h"
#include "core/types.h"

namespace seqscope::compute {

// Abar_d, Bbar_d, C_d: [N] (one channel) -> K: [L] (2 Re(...) when two_re).
// Powers accumulate in double so K is the exact kernel of the float Abar, Bbar.
Eigen::RowVectorXf kernel_diagonal(const VectorC& Abar_d, const VectorC& Bbar_d, const VectorC& C_d, int L,
                                   bool two_re);
// Abar, Bbar, C: [D, N] (one row per channel) -> K: [D, L], channels on worker threads.
Matrix kernel_diagonal_all(const MatrixC& Abar, const MatrixC& Bbar, const MatrixC& C, int L, bool two_re);
// Abar_d: [N, N], Bbar_d: [N], C_d: [N] -> K: [L]
Eigen::RowVectorXf kernel_dense(const Matrix& Abar_d, const Vector& Bbar_d, const Vector& C_d, int L);

// K: [L] -> alpha: [L, L], alpha[t, s] = K[t - s] for s <= t (the LTI hidden attention).
Matrix toeplitz_from_kernel(const Eigen::RowVectorXf& K);

// How hidden_attention_diagonal forms prod_{k=s+1..t} Abar_k:
//   Product     multiplies the float Abar_k in double along t: exactly the factors the scan
//               multiplies, any discretization; stops at an exact 0 once |prod| < 1e-45 (a float
//               zero), so nothing underflows into denormals and nothing is divided.
//   ExpOfSums   exp(A (S_t - S_s)) from running sums S_t = sum_{k<=t} delta_k in double; only
//               valid when Abar_t = exp(delta_t A) (zoh, mamba). Same numbers to ~1e-7 (the
//               rounding of each float Abar_k), kept as the closed form the tests check against.
enum class DecayMethod { Product, ExpOfSums };

// Abar, Bbar: [L, D, N], C: [L, N] or [D, N], delta: [L, D], A: [D, N], channel d
//   -> alpha_d: [L, L] (2 Re(...) when two_re), 0 above the diagonal.
Matrix hidden_attention_diagonal(const TensorC& Abar, const TensorC& Bbar, const MatrixC& C, RowsPer c_rows,
                                 const Matrix& delta, const MatrixC& A, int d, DecayMethod method, bool two_re);

// Row t of channel d's alpha: [L], the same numbers as row t of the full map (forward part
// s <= t, plus the backward part s >= t when bidirectional; LTI from the kernel), computed in
// O(L N) from r.Abar, r.Bbar, r.C (or r.kernel). What a panel shows next to an overview.
std::vector<float> hidden_attention_row(const SsmResults& r, int d, int t);
// The SSM's own mixing of channel d, alpha u = y_ssm - D u: [L], y[:, d] - Dskip[d] u[:, d] (u the
// scan input). The output with the skip term taken out; equal to sum_s alpha_d[t, s] u[s, d].
std::vector<float> ssm_mixing(const SsmResults& r, int d);
// Channel d's alpha pooled into map m of `overview` (map_overview.h), without ever holding
// [L, L]: column strips on worker threads, each column walked from its diagonal until every
// mode has decayed to a float zero.
void pool_hidden_attention(const SsmResults& r, int d, MapOverview& overview, int m);

// alpha_bwd of the reversed sequence -> its matrix in original positions: J alpha_bwd J.
Matrix flip_both(const Matrix& alpha);

}  // namespace seqscope::compute
