// SSM parity: every tensor of SsmResults from VulkanBackend against EigenBackend, for every case
// of the case table's ssm_parity_cases() (compute/bench/cases.h): each variant, discretization
// and block option, on shapes with L = 1, L = 4099 (no multiple of a chunk or tile), N = 1 and
// N = 64, real and complex A. One test per case, named after it.
#include <ostream>

#include "compute/bench/cases.h"
#include "tests/compute/vulkan/parity_util.h"

namespace seqscope::compute {

// gtest prints a case by its name (instead of its bytes) when a test fails.
void PrintTo(const SsmCase& c, std::ostream* os) { *os << c.name; }

}  // namespace seqscope::compute

namespace seqscope::parity {
namespace {

const auto* const k_report = ::testing::AddGlobalTestEnvironment(new WorstErrorReport);

void check_ssm(const SsmCase& c) {
  const Session session = session_of(c);
  const Inputs inputs = inputs_of(random_u(c.L, c.D, 3));
  const Results eigen = run_eigen(session, inputs);
  const Results vulkan = vulkan_backend().run(session, inputs);
  const SsmResults& a = vulkan.ssm;
  const SsmResults& b = eigen.ssm;
  EXPECT_EQ(vulkan.backend, "vulkan");
  ASSERT_EQ(a.L, b.L);
  expect_close("ssm.Abar", a.Abar, b.Abar);
  expect_close("ssm.Bbar", a.Bbar, b.Bbar);
  expect_close("ssm.h", a.h, b.h);
  if (b.bidirectional) expect_close("ssm.h_bwd", a.h_bwd, b.h_bwd);
  expect_close_matrix("ssm.y", a.y, b.y);
  if (b.gated) expect_close_matrix("ssm.y_gated", a.y_gated, b.y_gated);
  if (b.lti) expect_close_matrix("ssm.kernel", a.kernel, b.kernel);
  expect_close("ssm.hidden_attention", a.hidden_attention, b.hidden_attention);
  EXPECT_EQ(a.unstable_channels, b.unstable_channels);
  for (const char* op : {"ssm_scan", "total"}) EXPECT_EQ(vulkan.timings_ms.count(op), 1u) << op;
}

class SsmParity : public ::testing::TestWithParam<SsmCase> {};

TEST_P(SsmParity, MatchesEigen) { check_ssm(GetParam()); }

INSTANTIATE_TEST_SUITE_P(CaseTable, SsmParity, ::testing::ValuesIn(ssm_parity_cases()), CaseName());

}  // namespace
}  // namespace seqscope::parity
