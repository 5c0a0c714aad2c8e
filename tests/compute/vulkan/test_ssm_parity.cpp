// SSM parity: every tensor of SsmResults from VulkanBackend against EigenBackend, for every case
// of the case table's ssm_parity_cases() (compute/bench/cases.h): each variant, discretization
// and block option, on shapes with L = 1, L = 4099 (no multiple of a chunk or tile), N = 1 and
// N = 64, real and complex A. One test per case, named after it.
#include "compute/bench/cases.h"
#include "tests/compute/vulkan/parity_util.h"

namespace seqscope::parity {
namespace {

const auto* const k_report = ::testing::AddGlobalTestEnvironment(new WorstErrorReport);

void check_ssm(const SsmCase& c) {
  const Session session = session_of(c);
  const Inputs inputs = inputs_of(random_u(c.L, c.D, 3));
  const Results eigen = run_eigen(session, inputs);
  const Results vulkan = vulkan_backend().run(session, inputs);
  EXPECT_EQ(vulkan.backend, "vulkan");
  expect_ssm_close(vulkan.ssm, eigen.ssm);
  for (const char* op : {"ssm_scan", "total"}) EXPECT_EQ(vulkan.timings_ms.count(op), 1u) << op;
}

class SsmParity : public ::testing::TestWithParam<SsmCase> {};

TEST_P(SsmParity, MatchesEigen) { check_ssm(GetParam()); }

INSTANTIATE_TEST_SUITE_P(CaseTable, SsmParity, ::testing::ValuesIn(ssm_parity_cases()), CaseName());

}  // namespace
}  // namespace seqscope::parity
