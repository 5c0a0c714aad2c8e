// The case table (cases.h).
//
// Index (each part starts at a "// [SECTION] name" line):
//   SSM parity cases
//   attention parity cases
//   the sessions of a case
//   bench rows
#include "compute/bench/cases.h"

namespace seqscope::compute {

// [SECTION] SSM parity cases

std::vector<SsmCase> ssm_parity_cases() {
  using V = SsmVariant;
  using I = SsmInit;
  using M = Discretization;
  // name, variant, init, discretization, L, D, N, alpha channels, bidirectional, conv width, gate
  return {
      {"S6MambaL1", V::S6, I::S4DReal, M::Mamba, 1, 3, 1, {0, 2}},
      {"S6MambaL77", V::S6, I::S4DReal, M::Mamba, 77, 5, 7, {1}},
      {"S6ZohL4099", V::S6, I::S4DReal, M::Zoh, 4099, 4, 4, {3}},
      {"S6ComplexBidirectionalConvGate", V::S6, I::S4DLin, M::Zoh, 300, 3, 64, {0}, true, 4, true},
      {"S6Bilinear", V::S6, I::S4DReal, M::Bilinear, 200, 2, 8, {1}},
      {"S6EulerBidirectional", V::S6, I::S4DReal, M::Euler, 200, 2, 8, {1}, true},
      {"S6BackwardEuler", V::S6, I::S4DReal, M::BackwardEuler, 200, 2, 8, {1}},
      {"S6InvBilinear", V::S6, I::S4DInv, M::Bilinear, 60, 2, 4, {0}},
      {"S4DComplexZohL4099", V::S4D, I::S4DLin, M::Zoh, 4099, 2, 8, {1}},
      {"S4DRealBilinearBidirectional", V::S4D, I::S4DReal, M::Bilinear, 500, 3, 64, {0, 2}, true},
      {"S4DLegSMambaL1", V::S4D, I::HippoLegs, M::Mamba, 1, 2, 1, {0}},
      {"S4DRandomNoAlpha", V::S4D, I::Random, M::Zoh, 130, 4, 16, {}},
      {"DenseLegSZoh", V::Dense, I::HippoLegs, M::Zoh, 300, 2, 64, {0}},
      {"DenseRandomBidirectionalL4099", V::Dense, I::Random, M::Bilinear, 4099, 2, 4, {1}, true},
      {"DenseBackwardEulerL1", V::Dense, I::S4DLin, M::BackwardEuler, 1, 1, 3, {0}},
      {"ShiftGate", V::Shift, I::S4DReal, M::Zoh, 100, 4, 8, {0, 3}, false, 0, true},
      {"Mamba2ConvGate", V::Mamba2, I::S4DReal, M::Mamba, 1000, 8, 16, {0, 5}, false, 4, true},
  };
}

// [SECTION] attention parity cases

std::vector<AttentionCase> attention_parity_cases() {
  using K = AttentionKind;
  using Mask = MaskKind;
  using P = Positional;
  // name, kind, mask, positional, L, H, dh, window, temperature, feature map, lag
  return {
      {"SoftmaxCausalL4099", K::Softmax, Mask::Causal, P::None, 4099, 1, 8},
      {"SoftmaxAlibiNoMask", K::Softmax, Mask::None, P::Alibi, 257, 8, 16},
      {"SoftmaxRopeWindowTemperature", K::Softmax, Mask::Window, P::Rope, 500, 3, 5, 17, 0.7},
      {"SoftmaxSinusoidalL1", K::Softmax, Mask::Causal, P::Sinusoidal, 1, 2, 4},
      {"SoftmaxAlibiDh64Temperature", K::Softmax, Mask::Causal, P::Alibi, 300, 5, 64, 32, 2.0},
      {"LinearCausal", K::Linear, Mask::Causal, P::None, 1000, 2, 8},
      {"LinearIdentityRopeNoMask", K::Linear, Mask::None, P::Rope, 50, 1, 3, 32, 1.0, FeatureMap::Identity},
      {"LinearWindow", K::Linear, Mask::Window, P::None, 300, 4, 6, 17},
      {"LinearL1", K::Linear, Mask::Causal, P::None, 1, 1, 1},
      {"LagHead", K::Lag, Mask::Causal, P::None, 100, 2, 4, 32, 1.0, FeatureMap::Elu1, 3},
  };
}

// [SECTION] the sessions of a case

namespace {

// A signal of length L: the backends take u [L, D] as given, make_inputs makes one.
Session signal_session(int L) {
  Session s;
  s.input.kind = InputKind::Signal;
  s.input.length = L;
  return s;
}

}  // namespace

Session session_of(const SsmCase& c) {
  Session s = signal_session(c.L);
  s.d_model = c.D;
  s.ssm.variant = c.variant;
  s.ssm.init = c.init;
  s.ssm.discretization = c.discretization;
  s.ssm.state_size = c.N;
  s.ssm.hidden_attention_channels = c.hidden_attention_channels;
  s.ssm.bidirectional = c.bidirectional;
  s.ssm.conv_width = c.conv_width;
  s.ssm.gate = c.gate;
  s.attention.heads = 1;
  s.attention.head_dim = 2;
  return s;
}

Session session_of(const AttentionCase& c) {
  Session s = signal_session(c.L);
  s.d_model = 6;
  s.ssm.state_size = 1;
  s.ssm.hidden_attention_channels.clear();
  s.attention.kind = c.kind;
  s.attention.mask = c.mask;
  s.attention.positional = c.positional;
  s.attention.heads = c.H;
  s.attention.head_dim = c.dh;
  s.attention.window = c.window;
  s.attention.temperature = c.temperature;
  s.attention.feature_map = c.feature_map;
  s.attention.lag = c.lag;
  return s;
}

// [SECTION] bench rows

std::string_view bench_op_name(BenchOp op) {
  switch (op) {
    case BenchOp::SelectiveScan: return "selective_scan";
    case BenchOp::LtiScan: return "lti_scan";
    case BenchOp::LtiKernel: return "lti_kernel";
    case BenchOp::HiddenAttention: return "hidden_attention";
    case BenchOp::SoftmaxAttention: return "softmax_attention";
    case BenchOp::SoftmaxAttentionPooled: return "softmax_attention_pooled";
  }
  return "?";
}

namespace {

// L = first, first * factor, ... up to last.
std::vector<int> lengths(int first, int last, int factor) {
  std::vector<int> out;
  for (int L = first; L <= last; L *= factor) out.push_back(L);
  return out;
}

bool contains(const std::vector<int>& values, int value) {
  for (int v : values)
    if (v == value) return true;
  return false;
}

// One row per L of `all`; those beyond `quick_last` are full_only, those in `profiled` profiled.
void add_sweep(std::vector<BenchCase>& rows, BenchOp op, BenchShape shape, const std::vector<int>& all,
               int quick_last, const std::vector<int>& profiled = {}) {
  for (int L : all) {
    shape.L = L;
    rows.push_back({op, shape, L > quick_last, contains(profiled, L)});
  }
}

}  // namespace

std::vector<BenchCase> eigen_bench_cases(bool quick) {
  const BenchShape scan{0, kSweepShape.D, kSweepShape.N, 0, 0};
  const BenchShape alpha{0, 1, kSweepShape.N, 0, 0};  // one channel's hidden attention
  const BenchShape head{0, 0, 0, kSweepShape.H, kSweepShape.dh};
  std::vector<BenchCase> all = {{BenchOp::SelectiveScan, kMamba130mShape, false, true}};
  add_sweep(all, BenchOp::SelectiveScan, scan, lengths(256, 65536, 2), 65536, {4096, 65536});
  add_sweep(all, BenchOp::LtiScan, scan, lengths(256, 65536, 4), 65536);
  add_sweep(all, BenchOp::LtiKernel, scan, lengths(256, 65536, 4), 65536);
  add_sweep(all, BenchOp::HiddenAttention, alpha, lengths(256, 8192, 2), 4096, {256, 1024, 4096});
  add_sweep(all, BenchOp::SoftmaxAttention, head, lengths(256, 8192, 2), 8192, {256, 1024, 4096});
  add_sweep(all, BenchOp::SoftmaxAttentionPooled, head, lengths(16384, 65536, 2), 16384);
  std::vector<BenchCase> rows;
  for (const BenchCase& c : all)
    if (!(quick && c.full_only)) rows.push_back(c);
  return rows;
}

std::vector<BenchShape> vulkan_bench_shapes(bool quick) {
  std::vector<BenchShape> shapes;
  for (int L : lengths(256, quick ? 1024 : 4096, 2)) {
    BenchShape shape = kSweepShape;
    shape.L = L;
    shapes.push_back(shape);
  }
  return shapes;
}

}  // namespace seqscope::compute
