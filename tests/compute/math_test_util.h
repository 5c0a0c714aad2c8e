// Shared helpers of the math tests: sessions for one variant, seeded inputs built by hand
// (so these tests do not depend on make_inputs), and the normalized error used everywhere.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "compute/session/session.h"
#include "core/param_rng.h"
#include "core/types.h"

namespace seqscope::compute::test {

inline Session ssm_session(SsmVariant variant, SsmInit init, Discretization method, int D, int N) {
  Session s;
  s.d_model = D;
  s.ssm.variant = variant;
  s.ssm.init = init;
  s.ssm.discretization = method;
  s.ssm.state_size = N;
  s.ssm.hidden_attention_channels.clear();
  for (int d = 0; d < D; ++d) s.ssm.hidden_attention_channels.push_back(d);
  return s;
}

// u: [L, D] ~ N(0, 1), seeded.
inline Matrix random_u(int L, int D, uint64_t seed = 1) {
  ParamRng rng(seed, "test.u");
  Matrix u(L, D);
  for (int t = 0; t < L; ++t)
    for (int d = 0; d < D; ++d) u(t, d) = static_cast<float>(rng.normal());
  return u;
}

// max |a - b| / max |b| (tests/compute/vulkan's relative_l2_error is the L2 version): an error
// relative to the scale of the reference, so that entries near 0 (decayed kernel taps, masked
// probs) do not make a relative test meaningless.
template <typename A, typename B>
double max_error_over_scale(const A& a, const B& b) {
  const double scale = std::max(1e-30, static_cast<double>(b.cwiseAbs().maxCoeff()));
  return static_cast<double>((a - b).cwiseAbs().maxCoeff()) / scale;
}

// Worst error seen per check, printed after the run (the numbers the tolerances are set from).
inline std::map<std::string, double>& worst_errors() {
  static std::map<std::string, double> worst;
  return worst;
}
inline double track(const std::string& what, double err) {
  double& w = worst_errors()[what];
  w = std::max(w, err);
  return err;
}
class WorstErrorReport : public ::testing::Environment {
 public:
  void TearDown() override {
    for (const auto& [what, err] : worst_errors()) std::printf("[worst error] %-40s %.3g\n", what.c_str(), err);
  }
};

struct Shape {
  int L, D, N;
};
// Shapes every variant runs on: degenerate, odd, the default session, long and narrow.
inline const Shape kShapes[] = {{1, 1, 1}, {7, 3, 5}, {64, 16, 16}, {200, 4, 8}};

}  // namespace seqscope::compute::test
