// The packet exp of the scan and softmax kernels (core/simd_exp.h) against std::exp in
// double: over the float range, within the error the rounding of its float input already
// implies (exp's relative condition number is |x|), and at the edges of the range.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>

#include "core/simd_exp.h"

namespace seqscope::compute {
namespace {

#if defined(SEQSCOPE_HAS_PACKET_EXP2)
std::array<float, 16> exp_of(const std::array<float, 16>& x) {
  std::array<float, 16> y{};
  Eigen::internal::pstoreu(y.data(), exp_packet(Eigen::internal::ploadu<Packet16f>(x.data())));
  return y;
}

// |error| <= (2e-7 + 1.2e-7 |x|) exp(x): two float ulps, plus one ulp of x (2^-23 |x|) carried
// through exp, which the rounding of t = x log2(e) costs;
// subnormal results (x < -87.3) may add one step of the subnormal grid (denorm_min).
TEST(PacketExp, MatchesStdExpOverTheFloatRange) {
  double worst = 0.0;  // of |error| / allowed
  for (float x0 = -103.0f; x0 < 88.5f; x0 += 16 * 7.3e-4f) {
    std::array<float, 16> x{};
    for (int i = 0; i < 16; ++i) x[i] = x0 + 7.3e-4f * static_cast<float>(i);
    const std::array<float, 16> y = exp_of(x);
    for (int i = 0; i < 16; ++i) {
      const double exact = std::exp(static_cast<double>(x[i]));
      const double allowed = (2e-7 + 1.2e-7 * std::abs(x[i])) * exact + std::numeric_limits<float>::denorm_min();
      worst = std::max(worst, std::abs(y[i] - exact) / allowed);
      ASSERT_LE(std::abs(y[i] - exact), allowed) << "x = " << x[i];
    }
  }
  EXPECT_GT(worst, 0.0);  // the loop compared something
}

TEST(PacketExp, EdgesOfTheRange) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  const std::array<float, 16> x = {-inf, inf, nan, 0.0f, -0.0f, -1e30f, 1e30f, -110.0f,
                                   89.0f, 1e-9f, -1e-9f, 1.0f, -1.0f, 0.5f, -20.5f, 88.7f};
  const std::array<float, 16> y = exp_of(x);
  EXPECT_EQ(y[0], 0.0f);
  EXPECT_EQ(y[1], inf);
  EXPECT_TRUE(std::isnan(y[2]));
  EXPECT_EQ(y[3], 1.0f);
  EXPECT_EQ(y[4], 1.0f);
  EXPECT_EQ(y[5], 0.0f);
  EXPECT_EQ(y[6], inf);
  EXPECT_EQ(y[7], 0.0f);
  EXPECT_EQ(y[8], inf);
  for (int i = 9; i < 16; ++i)
    EXPECT_NEAR(y[i] / std::exp(static_cast<double>(x[i])), 1.0, 2e-7 + 1.2e-7 * std::abs(x[i])) << x[i];
}
#else
TEST(PacketExp, MatchesStdExpOverTheFloatRange) {
  GTEST_SKIP() << "built without AVX-512 DQ: the kernels use Eigen's pexp";
}
#endif

}  // namespace
}  // namespace seqscope::compute
