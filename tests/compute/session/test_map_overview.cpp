// Map overviews (compute/session/map_overview.h): the bins, the rule that switches to overviews, and
// the identities the overview path must keep against the full maps of the same session:
// pooled == pool(full map) (max |x| and mean per block), exact row == row of the full map, and
// the outputs unchanged — for every attention kind and for selective, bidirectional and LTI
// (complex) SSMs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "compute/attention/attention.h"
#include "compute/backend/eigen_backend.h"
#include "compute/session/inputs.h"
#include "compute/session/session.h"
#include "compute/ssm/hidden_attention.h"
#include "tests/compute/math_test_util.h"

namespace seqscope::compute {
namespace {

// maps: [M, L, L] -> the overview computed independently, block by block in double.
MapOverview pool_reference(const Tensor& maps, int P) {
  const int M = static_cast<int>(maps.shape[0]), L = static_cast<int>(maps.shape[1]);
  MapOverview o{L, P, Tensor({M, P, P}), Tensor({M, P, P})};
  for (int m = 0; m < M; ++m)
    for (int b = 0; b < P; ++b)
      for (int j = 0; j < P; ++j) {
        double largest = 0.0, sum = 0.0;
        int cells = 0;
        for (int t = b * L / P; t < (b + 1) * L / P; ++t)
          for (int s = j * L / P; s < (j + 1) * L / P; ++s, ++cells) {
            largest = std::max(largest, std::abs(static_cast<double>(maps.at(m, t, s))));
            sum += maps.at(m, t, s);
          }
        o.max_abs.at(m, b, j) = static_cast<float>(largest);
        o.mean.at(m, b, j) = static_cast<float>(sum / cells);
      }
  return o;
}

double max_rel_diff(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.shape, b.shape);
  double diff = 0.0, scale = 1e-30;
  for (size_t i = 0; i < a.data.size(); ++i) {
    diff = std::max(diff, std::abs(static_cast<double>(a.data[i]) - b.data[i]));
    scale = std::max(scale, std::abs(static_cast<double>(b.data[i])));
  }
  return diff / scale;
}

constexpr int kL = 1500;  // pooled to 1024 bins of 1 or 2 steps

Session long_session() {
  Session s;
  s.input.kind = InputKind::Signal;
  s.input.length = kL;
  s.d_model = 4;
  s.ssm.state_size = 4;
  s.attention.heads = 2;
  s.attention.head_dim = 4;
  return s;
}

// The same session with full maps, and pooled (full_map_max_length below L).
std::pair<Results, Results> full_and_pooled(Session s) {
  const Inputs inputs = make_inputs(s);
  const Results full = run_eigen(s, inputs);
  s.full_map_max_length = 1000;
  return {full, run_eigen(s, inputs)};
}

void expect_attention_identities(const Results& full, const Results& pooled) {
  const AttentionResults& a = pooled.attention;
  ASSERT_TRUE(a.pooled());
  EXPECT_TRUE(a.probs.data.empty());
  EXPECT_TRUE(a.scores.data.empty());
  const MapOverview ref = pool_reference(full.attention.probs, 1024);
  EXPECT_LT(max_rel_diff(a.probs_overview.max_abs, ref.max_abs), 1e-6);
  EXPECT_LT(max_rel_diff(a.probs_overview.mean, ref.mean), 1e-6);
  EXPECT_LT(max_rel_diff(a.out, full.attention.out), 1e-5);
  for (int t : {0, 1, 777, kL - 1}) {
    const std::vector<float> row = attention_probs_row(a, pooled.session.attention, 1, t);
    for (int s = 0; s < kL; ++s)
      ASSERT_NEAR(row[static_cast<size_t>(s)], full.attention.probs.at(1, t, s), 1e-6) << "t " << t << " s " << s;
  }
}

void expect_alpha_identities(const Results& full, const Results& pooled) {
  const SsmResults& r = pooled.ssm;
  ASSERT_TRUE(r.pooled());
  EXPECT_TRUE(r.hidden_attention.data.empty());
  const MapOverview ref = pool_reference(full.ssm.hidden_attention, 1024);
  EXPECT_LT(max_rel_diff(r.hidden_attention_overview.max_abs, ref.max_abs), 1e-6);
  EXPECT_LT(max_rel_diff(r.hidden_attention_overview.mean, ref.mean), 1e-5);
  double scale = 1e-30;
  for (float x : full.ssm.hidden_attention.data) scale = std::max(scale, std::abs(static_cast<double>(x)));
  for (int t : {0, 1, 777, kL - 1}) {
    const std::vector<float> row = hidden_attention_row(r, r.hidden_attention_channels[0], t);
    for (int s = 0; s < kL; ++s)
      ASSERT_NEAR(row[static_cast<size_t>(s)], full.ssm.hidden_attention.at(0, t, s), 1e-6 * scale)
          << "t " << t << " s " << s;
  }
  EXPECT_EQ(r.y, full.ssm.y);
}

TEST(MapOverview, BinsCoverEveryIndexOnce) {
  for (auto [L, P] : {std::pair{1, 1}, {1500, 1024}, {4097, 1024}, {65536, 1024}, {1023, 1024 - 1}}) {
    EXPECT_EQ(bin_begin(0, L, P), 0);
    EXPECT_EQ(bin_begin(P, L, P), L);
    for (int i = 0; i < L; i += std::max(1, L / 3000)) {
      const int b = bin_of(i, L, P);
      ASSERT_LE(bin_begin(b, L, P), i);
      ASSERT_LT(i, bin_begin(b + 1, L, P));
    }
  }
}

TEST(MapOverview, SwitchesBeyondTheLimitOrTheBufferBudget) {
  Session s;
  EXPECT_FALSE(maps_pooled(s, 4096));  // 2 heads x 4096^2 floats = 128 MiB: still whole
  EXPECT_TRUE(maps_pooled(s, 4097));
  s.attention.heads = 1;
  EXPECT_FALSE(maps_pooled(s, kMaxFullMapLength));
  EXPECT_TRUE(maps_pooled(s, kMaxFullMapLength + 1));
  s.full_map_max_length = 100;
  EXPECT_TRUE(maps_pooled(s, 101));
  EXPECT_EQ(Session{}.full_map_max_length, kMaxFullMapLength);
  EXPECT_EQ(overview_size(65536), 1024);
  EXPECT_EQ(overview_size(300), 300);
}

TEST(MapOverview, SessionFieldIsRangeChecked) {
  EXPECT_THROW(session_from_json(nlohmann::json::parse(R"({"full_map_max_length": 0})")), UserError);
  EXPECT_THROW(session_from_json(nlohmann::json::parse(R"({"full_map_max_length": 5793})")), UserError);
  EXPECT_EQ(session_from_json(nlohmann::json::parse(R"({"full_map_max_length": 64})")).full_map_max_length, 64);
}

TEST(MapOverview, SoftmaxCausalAlibiMatchesTheFullMap) {
  Session s = long_session();
  s.attention.positional = Positional::Alibi;
  const auto [full, pooled] = full_and_pooled(s);
  expect_attention_identities(full, pooled);
}

TEST(MapOverview, SoftmaxWindowAndUnmaskedMatchTheFullMap) {
  for (MaskKind mask : {MaskKind::Window, MaskKind::None}) {
    Session s = long_session();
    s.attention.mask = mask;
    s.attention.window = 40;
    const auto [full, pooled] = full_and_pooled(s);
    expect_attention_identities(full, pooled);
  }
}

TEST(MapOverview, LinearAndLagMatchTheFullMap) {
  Session s = long_session();
  s.attention.kind = AttentionKind::Linear;
  auto [full, pooled] = full_and_pooled(s);
  expect_attention_identities(full, pooled);
  s.attention.kind = AttentionKind::Lag;
  s.attention.lag = 3;
  std::tie(full, pooled) = full_and_pooled(s);
  expect_attention_identities(full, pooled);
}

TEST(MapOverview, SelectiveAndBidirectionalAlphaMatchTheFullMap) {
  for (bool bidirectional : {false, true}) {
    Session s = long_session();
    s.ssm.bidirectional = bidirectional;
    s.ssm.dt_min = 0.0005;  // slow decay: the walks run far from the diagonal
    const auto [full, pooled] = full_and_pooled(s);
    expect_alpha_identities(full, pooled);
  }
}

// Overviews coarser than the session's (P = 100 and 7: 15 and 214 key columns per bin), so that
// the real forward walk runs whole groups of columns together, for slow and fast decay (the
// walk stops early once every mode of a group is a float zero).
TEST(MapOverview, CoarseAlphaOverviewsMatchTheFullMap) {
  for (double dt : {0.0005, 1.0}) {
    Session s = long_session();
    s.ssm.dt_min = dt;
    s.ssm.dt_max = 2.0 * dt;
    const auto [full, pooled] = full_and_pooled(s);
    for (int P : {100, 7}) {
      MapOverview o{kL, P, Tensor({1, P, P}), Tensor({1, P, P})};
      pool_hidden_attention(pooled.ssm, pooled.ssm.hidden_attention_channels[0], o, 0);
      const MapOverview ref = pool_reference(full.ssm.hidden_attention, P);
      SCOPED_TRACE("dt " + std::to_string(dt) + " P " + std::to_string(P));
      EXPECT_LT(max_rel_diff(o.max_abs, ref.max_abs), 1e-6);
      EXPECT_LT(max_rel_diff(o.mean, ref.mean), 1e-5);
    }
  }
}

TEST(MapOverview, LtiComplexAlphaMatchesTheFullMap) {
  Session s = long_session();
  s.ssm.variant = SsmVariant::S4D;
  s.ssm.init = SsmInit::S4DLin;
  s.ssm.discretization = Discretization::Zoh;
  s.ssm.bidirectional = true;
  const auto [full, pooled] = full_and_pooled(s);
  expect_alpha_identities(full, pooled);
}

}  // namespace
}  // namespace seqscope::compute
