// SSM parity: every tensor of SsmResults from VulkanBackend against EigenBackend, per variant,
// discretization and block option, on shapes with L = 1, L = 4099 (no multiple of a chunk or
// tile), N = 1 and N = 64, real and complex A.
#include "compute/ssm/discretize.h"
#include "tests/parity/parity_util.h"

namespace seqscope::parity {
namespace {

const auto* const k_report = ::testing::AddGlobalTestEnvironment(new WorstErrorReport);

struct SsmCase {
  SsmVariant variant;
  SsmInit init;
  Discretization method;
  int L, D, N;
  std::vector<int> channels;  // hidden attention
  bool bidirectional = false;
  int conv_width = 0;
  bool gate = false;
};

Session session_of(const SsmCase& c) {
  Session s;
  s.d_model = c.D;
  s.ssm.variant = c.variant;
  s.ssm.init = c.init;
  s.ssm.discretization = c.method;
  s.ssm.state_size = c.N;
  s.ssm.hidden_attention_channels = c.channels;
  s.ssm.bidirectional = c.bidirectional;
  s.ssm.conv_width = c.conv_width;
  s.ssm.gate = c.gate;
  s.attention.heads = 1;
  s.attention.head_dim = 2;
  return s;
}

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

TEST(SsmParity, S6MambaShort) {
  check_ssm({SsmVariant::S6, SsmInit::S4DReal, Discretization::Mamba, 1, 3, 1, {0, 2}});
  check_ssm({SsmVariant::S6, SsmInit::S4DReal, Discretization::Mamba, 77, 5, 7, {1}});
}

TEST(SsmParity, S6ZohLong) {
  check_ssm({SsmVariant::S6, SsmInit::S4DReal, Discretization::Zoh, 4099, 4, 4, {3}});
}

TEST(SsmParity, S6ComplexBidirectionalConvGate) {
  SsmCase c{SsmVariant::S6, SsmInit::S4DLin, Discretization::Zoh, 300, 3, 64, {0}};
  c.bidirectional = true;
  c.conv_width = 4;
  c.gate = true;
  check_ssm(c);
}

TEST(SsmParity, S6OtherDiscretizations) {
  for (Discretization method : {Discretization::Bilinear, Discretization::Euler, Discretization::BackwardEuler}) {
    SCOPED_TRACE(discretization_name(method));
    SsmCase c{SsmVariant::S6, SsmInit::S4DReal, Discretization::Bilinear, 200, 2, 8, {1}};
    c.method = method;
    c.bidirectional = method == Discretization::Euler;
    check_ssm(c);
  }
  check_ssm({SsmVariant::S6, SsmInit::S4DInv, Discretization::Bilinear, 60, 2, 4, {0}});
}

TEST(SsmParity, S4DComplexLong) {
  check_ssm({SsmVariant::S4D, SsmInit::S4DLin, Discretization::Zoh, 4099, 2, 8, {1}});
}

TEST(SsmParity, S4DRealAndLegS) {
  SsmCase c{SsmVariant::S4D, SsmInit::S4DReal, Discretization::Bilinear, 500, 3, 64, {0, 2}};
  c.bidirectional = true;
  check_ssm(c);
  check_ssm({SsmVariant::S4D, SsmInit::HippoLegs, Discretization::Mamba, 1, 2, 1, {0}});
  check_ssm({SsmVariant::S4D, SsmInit::Random, Discretization::Zoh, 130, 4, 16, {}});
}

TEST(SsmParity, DenseAndShift) {
  check_ssm({SsmVariant::Dense, SsmInit::HippoLegs, Discretization::Zoh, 300, 2, 64, {0}});
  SsmCase c{SsmVariant::Dense, SsmInit::Random, Discretization::Bilinear, 4099, 2, 4, {1}};
  c.bidirectional = true;
  check_ssm(c);
  check_ssm({SsmVariant::Dense, SsmInit::S4DLin, Discretization::BackwardEuler, 1, 1, 3, {0}});
  SsmCase shift{SsmVariant::Shift, SsmInit::S4DReal, Discretization::Zoh, 100, 4, 8, {0, 3}};
  shift.gate = true;
  check_ssm(shift);
}

TEST(SsmParity, Mamba2ConvGate) {
  SsmCase c{SsmVariant::Mamba2, SsmInit::S4DReal, Discretization::Mamba, 1000, 8, 16, {0, 5}};
  c.conv_width = 4;
  c.gate = true;
  check_ssm(c);
}

}  // namespace
}  // namespace seqscope::parity
