// The generated parity suite (issue 19, in the style of ggml's test-backend-ops): the case
// table's fields crossed over the axes below, sampled with a fixed seed so that the suite stays
// inside the CI budget while every value of every axis appears. The parity tests
// (tests/compute/vulkan/test_generated_parity.cpp) run each case on Vulkan against Eigen, and
// `seqscope bench --backend vulkan` times the same cases (docs/testing.md, "The generated suite").
//
//   kParityLengths ...           the axes
//   generated_attention_cases    softmax / linear / lag cases over L, H, dh, masks, windows, positions
//   generated_ssm_cases          SSM cases over L, variants, N, discretizations, inits, blocks
//   case_cost                    the estimated work of a case's session, in FLOPs
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "compute/bench/cases.h"

namespace seqscope::compute {

// L: 1 and 2, around a 64-wide tile, the lengths where lavapipe's loop limit cut rows short
// (3137 at dh 16), no multiple of a chunk (4099), both sides of the full-map limit (5792) and a
// pooled overview (8000).
inline constexpr std::array<int, 12> kParityLengths{1, 2, 63, 64, 65, 1000, 3137, 3600, 4099, 5792, 5793, 8000};
inline constexpr std::array<int, 4> kParityHeads{1, 2, 3, 8};
inline constexpr std::array<int, 5> kParityHeadDims{1, 8, 16, 64, 128};
inline constexpr std::array<int, 4> kParityWindows{1, 17, 64, 4096};
inline constexpr std::array<int, 4> kParityStateSizes{1, 4, 16, 64};
inline constexpr std::array<int, 3> kParityChannels{1, 3, 8};  // d_model of an SSM case

inline constexpr uint64_t kGeneratedSeed = 19;
// The suite's size: what the parity tests run and `seqscope bench --backend vulkan` times.
inline constexpr int kGeneratedAttentionCases = 28;
inline constexpr int kGeneratedSsmCases = 24;
// The most work one generated case may estimate (case_cost): about a second of lavapipe on two
// cores. A sampled case above it gives up heads, then head width or state size, then alpha.
inline constexpr double kGeneratedCaseFlops = 1.5e9;

// `count` attention cases; case i takes the i-th value of each main axis's seeded shuffle (L,
// kind, dh, mask, positions), so every value appears once `count` reaches the longest axis. A head
// width that had to shrink to fit the budget goes to the next case. Names
// are "Gen<i>_<kind>_<mask>_<position>_L<L>_H<H>_dh<dh>".
std::vector<AttentionCase> generated_attention_cases(int count, uint64_t seed = kGeneratedSeed);
// `count` SSM cases the same way (L, variant, N, discretization, init); names are
// "Gen<i>_<variant>_<discretization>_<init>_L<L>_D<D>_N<N>". Combinations validate_session refuses
// are drawn again (a case still refused after 100 draws is left out, so a list may be shorter).
std::vector<SsmCase> generated_ssm_cases(int count, uint64_t seed = kGeneratedSeed);
// FLOPs of the session's layers (cost_model.h), plus the hidden attention of its alpha channels
// and, past the full-map limit, the overview pass that recomputes the map.
double case_cost(const Session& session);

}  // namespace seqscope::compute
