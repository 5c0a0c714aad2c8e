// The generated parity suite (issue 19): the case table's fields crossed over L (1 .. 8000, both
// sides of the full-map limit), heads, head widths, masks, windows, positions, attention kinds,
// SSM variants, state sizes, discretizations and inits, sampled with a fixed seed
// (compute/bench/generated_cases.h). Each case runs on Vulkan and Eigen; every tensor (the
// overviews past the full-map limit) must agree to a normalized error of 1e-5. The suite also
// checks that the sample covers every value of every main axis.
#include <set>
#include <utility>

#include "compute/bench/generated_cases.h"
#include "tests/compute/vulkan/parity_util.h"

namespace seqscope::parity {
namespace {

const std::vector<AttentionCase>& attention_cases() {
  static const std::vector<AttentionCase> cases = generated_attention_cases(kGeneratedAttentionCases);
  return cases;
}

const std::vector<SsmCase>& ssm_cases() {
  static const std::vector<SsmCase> cases = generated_ssm_cases(kGeneratedSsmCases);
  return cases;
}

class GeneratedAttentionParity : public ::testing::TestWithParam<AttentionCase> {};
class GeneratedSsmParity : public ::testing::TestWithParam<SsmCase> {};

// The case's session on both backends, on a seeded u [L, D].
std::pair<Results, Results> vulkan_and_eigen(const Session& s, int D) {
  const Inputs inputs = inputs_of(random_u(sequence_length(s), D, 19));
  Results eigen = run_eigen(s, inputs);
  return {vulkan_backend().run(s, inputs), std::move(eigen)};
}

TEST_P(GeneratedAttentionParity, MatchesEigen) {
  const Session s = session_of(GetParam());
  const auto [vulkan, eigen] = vulkan_and_eigen(s, s.d_model);
  expect_attention_close(vulkan.attention, eigen.attention);
}

TEST_P(GeneratedSsmParity, MatchesEigen) {
  const auto [vulkan, eigen] = vulkan_and_eigen(session_of(GetParam()), GetParam().D);
  expect_ssm_close(vulkan.ssm, eigen.ssm);
}

INSTANTIATE_TEST_SUITE_P(Generated, GeneratedAttentionParity, ::testing::ValuesIn(attention_cases()), CaseName());
INSTANTIATE_TEST_SUITE_P(Generated, GeneratedSsmParity, ::testing::ValuesIn(ssm_cases()), CaseName());

template <typename Case, typename Field>
std::set<int> values_of(const std::vector<Case>& cases, Field field) {
  std::set<int> out;
  for (const Case& c : cases) out.insert(static_cast<int>(field(c)));
  return out;
}

template <typename Values>
std::set<int> as_set(const Values& values) {
  std::set<int> out;
  for (const auto& v : values) out.insert(static_cast<int>(v));
  return out;
}

TEST(GeneratedSuite, CoversEveryValueOfTheMainAxes) {
  const auto& att = attention_cases();
  const auto& ssm = ssm_cases();
  EXPECT_EQ(att.size(), size_t{kGeneratedAttentionCases});
  EXPECT_EQ(ssm.size(), size_t{kGeneratedSsmCases});
  EXPECT_EQ(values_of(att, [](const AttentionCase& c) { return c.L; }), as_set(kParityLengths));
  EXPECT_EQ(values_of(ssm, [](const SsmCase& c) { return c.L; }), as_set(kParityLengths));
  EXPECT_EQ(values_of(att, [](const AttentionCase& c) { return c.kind; }).size(), 3u);
  EXPECT_EQ(values_of(att, [](const AttentionCase& c) { return c.mask; }).size(), 3u);
  EXPECT_EQ(values_of(att, [](const AttentionCase& c) { return c.positional; }).size(), 4u);
  EXPECT_EQ(values_of(ssm, [](const SsmCase& c) { return c.variant; }).size(), 5u);
  EXPECT_EQ(values_of(ssm, [](const SsmCase& c) { return c.discretization; }).size(), 5u);
  EXPECT_EQ(values_of(ssm, [](const SsmCase& c) { return c.init; }).size(), 5u);
  for (const AttentionCase& c : att) EXPECT_LE(case_cost(session_of(c)), kGeneratedCaseFlops * 1.01) << c.name;
}

TEST(GeneratedSuite, SameSeedSameCasesOtherSeedOthers) {
  const auto names = [](const std::vector<AttentionCase>& cases) {
    std::vector<std::string> out;
    for (const AttentionCase& c : cases) out.push_back(c.name);
    return out;
  };
  EXPECT_EQ(names(generated_attention_cases(12)), names(generated_attention_cases(12)));
  EXPECT_NE(names(generated_attention_cases(12)), names(generated_attention_cases(12, kGeneratedSeed + 1)));
}

}  // namespace
}  // namespace seqscope::parity
