// The Eigen reference backend: runs the SSM layer (ssm.h) and the attention layer
// (attention.h) on the CPU, in float32 with double accumulators where a reduction needs them.
// Every other backend is tested against this one.
#pragma once
#include <cstdint>

#include "compute/backend/backend.h"

namespace seqscope::compute {

class EigenBackend : public Backend {
 public:
  std::string name() const override { return "eigen"; }
  Results run(const Session& session, const Inputs& inputs) override;
};

// Same as EigenBackend().run(session, inputs).
Results run_eigen(const Session& session, const Inputs& inputs);

// Bytes the Results of a session of length L will hold (the [L, D, N] and [L, L] tensors
// dominate); run_eigen refuses sessions above kMaxResultBytes with a UserError.
double estimate_result_bytes(const Session& session, int L);
inline constexpr double kMaxResultBytes = 4.0 * 1024 * 1024 * 1024;

}  // namespace seqscope::compute
