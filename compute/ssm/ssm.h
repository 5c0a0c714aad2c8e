// The SSM layer end to end on the Eigen reference: parameters -> conv -> delta/B/C ->
// discretization -> scan (forward, and backward when bidirectional) -> kernel, hidden
// attention, eigenvalues, stability -> gate. docs/math.md has the equations.
#pragma once
#include <map>
#include <string>

#include "compute/session/session.h"
#include "compute/ssm/ssm_results.h"
#include "core/types.h"

namespace seqscope::compute {


// u: [L, D] block input -> everything in SsmResults. UserError when u has other than
// session.d_model channels or a hidden-attention channel is out of range.
SsmResults run_ssm(const Session& session, const Matrix& u, Timings& timings);

// Eigenvalues of a square matrix, sorted by (imag, real); a triangular matrix (HiPPO-LegS and
// its discretizations, the shift register) returns its diagonal, which a general solver
// would blur for these highly non-normal matrices.
VectorC eigenvalues(const Matrix& M);

// Pieces of run_ssm that the Vulkan backend shares, so that both backends see the same inputs
// and report the same eigenvalues:
// UserError when u has other than d_model channels, is empty, or a hidden-attention channel is
// out of range.
void check_inputs(const Session& session, const Matrix& u);
// Fills r.delta [L, D], r.B and r.C (selective [L, N], LTI [D, N]) from the scan input r.u.
void make_delta_B_C(const SsmParams& p, SsmResults& r);
// What every backend fills alike before its scan: the weights, sizes and flags (checks the
// inputs first), and then the scan's inputs u (after the optional conv + SiLU), z, delta, B,
// C, A and Dskip.
// u_block: [L, D]
SsmResults ssm_results_header(const Session& session, const Matrix& u_block);
void fill_scan_inputs(const Matrix& u_block, SsmResults& r);
// The rest of run_ssm for a layer whose scan inputs are already in r (what
// ssm_results_header and fill_scan_inputs fill: params, sizes, flags, u, z, delta, B, C, A,
// Dskip), such as a trained model's layer: the scan, the LTI kernel, the hidden attention
// (pooled: no [L, L] maps, map_overview.h), the eigenvalues and the gate.
void run_ssm_from_inputs(SsmResults& r, Discretization method, bool pooled, Timings& timings);
// Fills eig_continuous, eig_discrete (dense A only), max_abs_eig_discrete, unstable_channels
// from p and r.Abar.
void make_eigenvalues(const SsmParams& p, SsmResults& r);

}  // namespace seqscope::compute
