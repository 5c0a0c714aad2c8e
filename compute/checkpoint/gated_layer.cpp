// The shared part of a real model's gated SSM layer (gated_layer.h).
#include "compute/checkpoint/gated_layer.h"

#include <string>

namespace seqscope::compute::checkpoint {

void fill_gated_block(const Eigen::Ref<const Matrix>& A, const Eigen::Ref<const Vector>& Dskip, int conv_width,
                      const Eigen::Ref<const Matrix>& conv_weight, const Eigen::Ref<const Vector>& conv_bias,
                      const Matrix& u, const Matrix& z, std::vector<int> channels, SsmResults& r) {
  const int L = static_cast<int>(u.rows()), E = static_cast<int>(A.rows()), N = static_cast<int>(A.cols());
  SsmParams& p = r.params;
  p.D = E;
  p.N = N;
  p.A = A.cast<Complex>();
  p.Dskip = Dskip;
  p.conv_width = conv_width;
  p.conv_weight = conv_weight;
  p.conv_bias = conv_bias;
  p.gate = true;
  r.L = L;
  r.D = E;
  r.N = N;
  r.gated = true;
  r.u = u;
  r.z = z;
  r.A = p.A;
  r.Dskip = p.Dskip;
  r.hidden_attention_channels = std::move(channels);
  for (int c : r.hidden_attention_channels)
    if (c < 0 || c >= E)
      throw UserError("model: hidden attention channel " + std::to_string(c) + " is outside [0, " + std::to_string(E) + ")");
}

void fill_selective_projections(const Eigen::Ref<const Matrix>& x_proj, const Eigen::Ref<const Matrix>& dt_proj,
                                const Eigen::Ref<const Vector>& dt_bias, int dt_rank, int N, SsmParams& p) {
  p.variant = SsmVariant::S6;
  p.selective = true;
  p.W_delta = x_proj.topRows(dt_rank).transpose() * dt_proj.transpose();
  p.b_delta = dt_bias;
  p.W_B = x_proj.middleRows(dt_rank, N).transpose();
  p.W_C = x_proj.bottomRows(N).transpose();
}

}  // namespace seqscope::compute::checkpoint
