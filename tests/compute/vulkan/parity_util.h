// Helpers of the parity tests: one VulkanBackend per test binary on the shared test context
// (poisoning its new buffers),
// the normalized error ||a - b|| / max(||b||, tiny) (Frobenius norms over a whole tensor),
// a record of the worst error per op, printed at the end of the run, and the gtest names of
// the case-table tests.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <ostream>
#include <string>

#include "compute/backend/eigen_backend.h"
#include "compute/bench/cases.h"
#include "compute/vulkan/vulkan_backend.h"
#include "core/param_rng.h"
#include "tests/support/vk_test_context.h"

namespace seqscope::compute {

// gtest prints a case by its name (instead of its bytes) when a test fails.
inline void PrintTo(const AttentionCase& c, std::ostream* os) { *os << c.name; }
inline void PrintTo(const SsmCase& c, std::ostream* os) { *os << c.name; }

}  // namespace seqscope::compute

namespace seqscope::parity {

using namespace seqscope::compute;

inline constexpr double kTolerance = 1e-5;

// New buffers are NaN-filled, so an entry no kernel writes fails parity.
inline vk::VulkanBackend& vulkan_backend() {
  static vk::VulkanBackend* backend = [] {
    auto* b = new vk::VulkanBackend(testing::test_context());  // lives with the context
    b->poison_new_buffers(true);
    return b;
  }();
  return *backend;
}

// u: [L, D] ~ N(0, 1), seeded.
inline Matrix random_u(int L, int D, uint64_t seed = 1) {
  ParamRng rng(seed, "parity.u");
  Matrix u(L, D);
  for (int t = 0; t < L; ++t)
    for (int d = 0; d < D; ++d) u(t, d) = static_cast<float>(rng.normal());
  return u;
}

inline Inputs inputs_of(const Matrix& u) {
  Inputs inputs;
  inputs.u = u;
  return inputs;
}

inline std::map<std::string, double>& worst_errors() {
  static std::map<std::string, double> worst;
  return worst;
}

// ||a - b||_2 / max(||b||_2, tiny) over a whole tensor (the parity suite's "normalized error";
// tests/compute's max_error_over_scale is the max-norm version).
template <typename T, typename A>
double relative_l2_error(const std::vector<T, A>& a, const std::vector<T, A>& b) {
  double diff = 0.0, ref = 0.0;
  for (size_t i = 0; i < b.size(); ++i) {
    // Masked entries are -inf in both: equal, no contribution.
    if (a[i] == b[i]) {
      if (std::isfinite(std::abs(b[i]))) ref += std::norm(std::complex<double>(b[i]));
      continue;
    }
    diff += std::norm(std::complex<double>(a[i]) - std::complex<double>(b[i]));
    ref += std::norm(std::complex<double>(b[i]));
  }
  return std::sqrt(diff) / std::max(std::sqrt(ref), 1e-30);
}

// Checks one tensor: same shape, normalized error within kTolerance; records the worst per op.
template <typename TensorT>
void expect_close(const std::string& op, const TensorT& vulkan, const TensorT& eigen) {
  ASSERT_EQ(vulkan.shape, eigen.shape) << op;
  const double err = relative_l2_error(vulkan.data, eigen.data);
  double& worst = worst_errors()[op];
  worst = std::max(worst, err);
  EXPECT_LE(err, kTolerance) << op;
}

template <typename M>
void expect_close_matrix(const std::string& op, const M& vulkan, const M& eigen) {
  ASSERT_EQ(vulkan.rows(), eigen.rows()) << op;
  ASSERT_EQ(vulkan.cols(), eigen.cols()) << op;
  using Scalar = typename M::Scalar;
  const std::vector<Scalar> a(vulkan.data(), vulkan.data() + vulkan.size());
  const std::vector<Scalar> b(eigen.data(), eigen.data() + eigen.size());
  const double err = relative_l2_error(a, b);
  double& worst = worst_errors()[op];
  worst = std::max(worst, err);
  EXPECT_LE(err, kTolerance) << op;
}

// Every attention tensor of a Vulkan run against Eigen's: q, the maps (or, past the full-map
// limit, their overviews) and out.
inline void expect_attention_close(const AttentionResults& vulkan, const AttentionResults& eigen) {
  ASSERT_EQ(vulkan.pooled(), eigen.pooled());
  expect_close("attention.q", vulkan.q, eigen.q);
  if (eigen.pooled()) {
    expect_close("probs_overview.max_abs", vulkan.probs_overview.max_abs, eigen.probs_overview.max_abs);
    expect_close("probs_overview.mean", vulkan.probs_overview.mean, eigen.probs_overview.mean);
  } else {
    expect_close("attention.scores", vulkan.scores, eigen.scores);
    expect_close("attention.probs", vulkan.probs, eigen.probs);
  }
  expect_close("attention.out", vulkan.out, eigen.out);
  EXPECT_EQ(vulkan.kv_cache_bytes, eigen.kv_cache_bytes);
}

// Every SSM tensor of a Vulkan run against Eigen's: the discretization, the states, the outputs,
// the LTI kernel and alpha (or its overview past the full-map limit).
inline void expect_ssm_close(const SsmResults& vulkan, const SsmResults& eigen) {
  ASSERT_EQ(vulkan.L, eigen.L);
  ASSERT_EQ(vulkan.pooled(), eigen.pooled());
  expect_close("ssm.Abar", vulkan.Abar, eigen.Abar);
  expect_close("ssm.Bbar", vulkan.Bbar, eigen.Bbar);
  expect_close("ssm.h", vulkan.h, eigen.h);
  if (eigen.bidirectional) expect_close("ssm.h_bwd", vulkan.h_bwd, eigen.h_bwd);
  expect_close_matrix("ssm.y", vulkan.y, eigen.y);
  if (eigen.gated) expect_close_matrix("ssm.y_gated", vulkan.y_gated, eigen.y_gated);
  if (eigen.lti) expect_close_matrix("ssm.kernel", vulkan.kernel, eigen.kernel);
  if (eigen.pooled()) {
    expect_close("alpha_overview.max_abs", vulkan.hidden_attention_overview.max_abs,
                 eigen.hidden_attention_overview.max_abs);
    expect_close("alpha_overview.mean", vulkan.hidden_attention_overview.mean, eigen.hidden_attention_overview.mean);
  } else {
    expect_close("ssm.hidden_attention", vulkan.hidden_attention, eigen.hidden_attention);
  }
  EXPECT_EQ(vulkan.unstable_channels, eigen.unstable_channels);
}

// The name of a case-table test (INSTANTIATE_TEST_SUITE_P's last argument): the case's own
// name from compute/bench/cases.h, so a failure names the case.
struct CaseName {
  template <typename Case>
  std::string operator()(const ::testing::TestParamInfo<Case>& param_info) const {
    return param_info.param.name;
  }
};

class WorstErrorReport : public ::testing::Environment {
 public:
  void TearDown() override {
    for (const auto& [op, err] : worst_errors()) std::printf("[worst error] %-24s %.3g\n", op.c_str(), err);
  }
};

}  // namespace seqscope::parity
