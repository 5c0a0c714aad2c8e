// The case table: the shapes and configurations that the Vulkan-vs-Eigen parity tests
// (tests/compute/vulkan/) check and that `seqscope bench` (benchmark.cpp) and its Google Benchmark
// twin (tests/bench/bench_ops.cpp) time, in one place (docs/testing.md, "The case table").
// Every case is plain data, so that a generator can cross the fields into more cases.
//
//   SsmCase, ssm_parity_cases              one SSM configuration and shape; the parity list
//   AttentionCase, attention_parity_cases  one attention configuration and shape; the list
//   session_of                             the Session that runs a case
//   BenchShape, BenchOp, BenchCase         one row of the bench: op, shape, in which runs
//   kSweepShape, kMamba130mShape           the shapes the bench's rows are made of
//   eigen_bench_cases, vulkan_bench_shapes the bench's rows, in their printed order
//
// Index (each part starts at a "// [SECTION] name" line):
//   parity cases
//   bench rows
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "compute/session/session.h"

namespace seqscope::compute {

// [SECTION] parity cases

// One SSM configuration at one shape: u [L, D], state size N. `name` is the gtest name of the
// case (letters, digits and '_' only) and unique in its list.
struct SsmCase {
  std::string name;
  SsmVariant variant = SsmVariant::S6;
  SsmInit init = SsmInit::S4DReal;
  Discretization discretization = Discretization::Mamba;
  int L = 1, D = 1, N = 1;
  std::vector<int> hidden_attention_channels;  // the channels whose alpha [L, L] is computed
  bool bidirectional = false;
  int conv_width = 0;  // 0: no causal conv before the scan
  bool gate = false;
};

// One attention configuration at one shape: H heads of width dh over L tokens (d_model 6).
struct AttentionCase {
  std::string name;
  AttentionKind kind = AttentionKind::Softmax;
  MaskKind mask = MaskKind::Causal;
  Positional positional = Positional::None;
  int L = 1, H = 1, dh = 1;
  int window = 32;  // MaskKind::Window only
  double temperature = 1.0;
  FeatureMap feature_map = FeatureMap::Elu1;  // AttentionKind::Linear only
  int lag = 1;                                // AttentionKind::Lag only
};

// Every variant, init, discretization and block option at L = 1, at L = 4099 (no multiple of
// a chunk or tile) and between; N = 1 and N = 64; real and complex A.
std::vector<SsmCase> ssm_parity_cases();
// Softmax (masks, positions, temperature), linear (feature maps, masks) and the lag head,
// H = 1 .. 8, L = 1 .. 4099.
std::vector<AttentionCase> attention_parity_cases();

// The session of a case, with a signal input of length L (so make_inputs gives u [L, D]);
// the parity tests run it on their own seeded u. An SSM case keeps the session's attention to
// one head of width 2, an attention case keeps its SSM to N = 1 without alpha and D = 6, so
// that the rest of the session costs little next to what the case names.
Session session_of(const SsmCase& c);
Session session_of(const AttentionCase& c);

// [SECTION] bench rows

// The shape columns of a bench row; 0 where the op has no such dimension.
struct BenchShape {
  int L = 0, D = 0, N = 0, H = 0, dh = 0;
};

// The Eigen ops of `seqscope bench` (benchmark.cpp times each; docs/performance.md counts them).
enum class BenchOp {
  SelectiveScan,
  LtiScan,
  LtiKernel,
  HiddenAttention,
  SoftmaxAttention,
  SoftmaxAttentionPooled,
};
// The row's op column: "selective_scan", "lti_scan", ...
std::string_view bench_op_name(BenchOp op);

struct BenchCase {
  BenchOp op = BenchOp::SelectiveScan;
  BenchShape shape;
  bool full_only = false;  // a row of the full run only, not of `--quick`
  bool profiled = false;   // also a Google Benchmark of tests/bench/seqscope_benchmarks
};

// The sweeps' shape (L aside): selective scan D = 64, N = 16; softmax one head of width 64.
// bench_sweep_session and the Cost panel's sweep use it too.
inline constexpr BenchShape kSweepShape{0, 64, 16, 1, 64};
// Mamba-130m's selective scan: d_inner 1536, d_state 16, at L = 1024.
inline constexpr BenchShape kMamba130mShape{1024, 1536, 16, 0, 0};

// The Eigen rows of the bench, in the order they are run and printed (quick: without the
// full_only rows).
std::vector<BenchCase> eigen_bench_cases(bool quick);
// The Vulkan rows' sessions: bench_sweep_session(shape.L) for each, L = 256 .. 1024 (quick)
// or 4096; each run reports one row per kernel timestamp (app/cmd_bench.cpp).
std::vector<BenchShape> vulkan_bench_shapes(bool quick);

}  // namespace seqscope::compute
