// A real model's gated SSM layer as the project's SsmResults, the part every such layer shares
// (a checkpoint Mamba, a seqscope `M` or `S` layer): the block around the scan (conv + SiLU
// before, the skip D and the SiLU gate after), A, u and z, and the hidden-attention channels;
// and a selective layer's projections as the parameter panels show them.
#pragma once
#include <vector>

#include "compute/ssm/ssm_results.h"
#include "core/types.h"

namespace seqscope::compute::checkpoint {

// A: [E, N] (already -exp(A_log)), Dskip: [E], conv_weight: [E, conv_width], conv_bias: [E],
// u, z: [L, E] -> sizes, flags and those tensors in r and r.params. UserError (one line) for a
// hidden-attention channel outside [0, E).
void fill_gated_block(const Eigen::Ref<const Matrix>& A, const Eigen::Ref<const Vector>& Dskip, int conv_width,
                      const Eigen::Ref<const Matrix>& conv_weight, const Eigen::Ref<const Vector>& conv_bias,
                      const Matrix& u, const Matrix& z, std::vector<int> channels, SsmResults& r);

// Mamba's u -> (delta, B, C) projections in the panels' form: x_proj [R + 2N, E] splits into
// dt [R], B [N], C [N]; W_delta = x_proj[:R]^T dt_proj^T ([E, E], low rank), b_delta = dt_proj's
// bias, W_B, W_C: [E, N]. Also marks the layer selective S6.
void fill_selective_projections(const Eigen::Ref<const Matrix>& x_proj, const Eigen::Ref<const Matrix>& dt_proj,
                                const Eigen::Ref<const Vector>& dt_bias, int dt_rank, int N, SsmParams& p);

}  // namespace seqscope::compute::checkpoint
