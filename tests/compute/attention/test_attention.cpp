// Attention: softmax rows sum to 1 with exact zeros where masked, RoPE scores depend only on
// m - n, ALiBi slopes and bias, linear attention parallel == recurrent, the lag head copies
// v at lag k exactly, positional encodings, errors.
#include <gtest/gtest.h>

#include <cmath>

#include "compute/attention/attention.h"
#include "compute/session/cost_model.h"
#include "tests/compute/math_test_util.h"

namespace seqscope::compute {
namespace {

using test::max_error_over_scale;
using test::random_u;
using test::track;

Session attention_session(AttentionKind kind, MaskKind mask, Positional pos, int D, int H, int dh) {
  Session s;
  s.d_model = D;
  s.attention.kind = kind;
  s.attention.mask = mask;
  s.attention.positional = pos;
  s.attention.heads = H;
  s.attention.head_dim = dh;
  s.attention.window = 5;
  return s;
}

Eigen::Map<const Matrix> head(const Tensor& t, int h) {
  const int64_t rows = t.shape[1], cols = t.shape[2];
  return Eigen::Map<const Matrix>(t.data.data() + h * rows * cols, rows, cols);
}

TEST(SoftmaxAttention, RowsSumToOneWithExactZerosWhereMasked) {
  for (MaskKind mask : {MaskKind::Causal, MaskKind::Window, MaskKind::None})
    for (Positional pos : {Positional::None, Positional::Sinusoidal, Positional::Rope, Positional::Alibi})
      for (int L : {1, 9, 64}) {
        const Session s = attention_session(AttentionKind::Softmax, mask, pos, 16, 3, 8);
        Timings timings;
        const AttentionResults r = run_attention(s, random_u(L, 16), timings);
        for (int h = 0; h < 3; ++h) {
          const auto probs = head(r.probs, h);
          for (int t = 0; t < L; ++t) {
            double sum = 0.0;
            for (int sidx = 0; sidx < L; ++sidx) {
              if (mask_allows(mask, s.attention.window, t, sidx)) {
                EXPECT_GT(probs(t, sidx), 0.0f);
                sum += probs(t, sidx);
              } else {
                EXPECT_EQ(probs(t, sidx), 0.0f);  // exact, not 1e-30
              }
            }
            // L terms each rounded to float: |sum - 1| <= L * 2^-24.
            EXPECT_NEAR(track("softmax row sum - 1", std::abs(sum - 1.0)), 0.0, 1e-6 + L * 6e-8);
          }
        }
      }
}

// Softmax against the formula written out for one head: probs = softmax(q k^T / (sqrt(dh) T)).
TEST(SoftmaxAttention, MatchesDirectFormula) {
  Session s = attention_session(AttentionKind::Softmax, MaskKind::Causal, Positional::None, 8, 2, 4);
  s.attention.temperature = 0.7;
  const Matrix u = random_u(12, 8);
  Timings timings;
  const AttentionResults r = run_attention(s, u, timings);
  const Eigen::MatrixXd q = (u * r.W_q).leftCols(4).cast<double>(), k = (u * r.W_k).leftCols(4).cast<double>();
  const Eigen::MatrixXd v = (u * r.W_v).leftCols(4).cast<double>();
  Eigen::MatrixXd probs = Eigen::MatrixXd::Zero(12, 12);
  for (int t = 0; t < 12; ++t) {
    double sum = 0.0;
    for (int j = 0; j <= t; ++j) sum += std::exp(q.row(t).dot(k.row(j)) / (2.0 * 0.7));
    for (int j = 0; j <= t; ++j) probs(t, j) = std::exp(q.row(t).dot(k.row(j)) / (2.0 * 0.7)) / sum;
  }
  EXPECT_LE(track("softmax vs direct formula", max_error_over_scale(head(r.probs, 0).cast<double>(), probs)), 1e-6);
  EXPECT_LE(max_error_over_scale(head(r.out, 0).cast<double>(), Eigen::MatrixXd(probs * v)), 1e-6);
}

TEST(Rope, ScoresDependOnlyOnOffset) {
  for (int dh : {2, 8, 7}) {
    const int L = 40;
    Matrix q = random_u(1, dh, 5).replicate(L, 1);  // the same query and key at every position
    Matrix k = random_u(1, dh, 6).replicate(L, 1);
    apply_rope(q);
    apply_rope(k);
    const Eigen::MatrixXd scores = (q * k.transpose()).cast<double>();
    double worst = 0.0;
    for (int m = 0; m + 1 < L; ++m)
      for (int n = 0; n + 1 < L; ++n) worst = std::max(worst, std::abs(scores(m + 1, n + 1) - scores(m, n)));
    // Values are O(dh); the angles t * theta lose ~L * 2^-24 relative in the float rotation.
    EXPECT_LE(track("rope score(m+1,n+1) - score(m,n)", worst / scores.cwiseAbs().maxCoeff()), 1e-5) << "dh " << dh;
    // Rotation preserves the norm of each row.
    EXPECT_NEAR(q.row(L - 1).norm(), q.row(0).norm(), 1e-5f);
  }
  // And it is not position-independent: scores at offset 0 and 5 differ.
  Matrix q = random_u(1, 8, 5).replicate(10, 1), k = q;
  apply_rope(q);
  apply_rope(k);
  EXPECT_GT(std::abs(q.row(5).dot(k.row(5)) - q.row(5).dot(k.row(0))), 1e-3f);
}

TEST(Alibi, SlopesAndBias) {
  const std::vector<double> s8 = alibi_slopes(8);
  for (int h = 0; h < 8; ++h) EXPECT_DOUBLE_EQ(s8[static_cast<size_t>(h)], std::pow(2.0, -(h + 1.0)));
  // The ALiBi reference for 6 heads: slopes of 4, then every other slope of 8.
  EXPECT_EQ(alibi_slopes(6), (std::vector<double>{0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125}));
  const Matrix u = random_u(10, 8);
  Timings timings;
  const AttentionResults plain =
      run_attention(attention_session(AttentionKind::Softmax, MaskKind::Causal, Positional::None, 8, 2, 4), u, timings);
  const AttentionResults alibi =
      run_attention(attention_session(AttentionKind::Softmax, MaskKind::Causal, Positional::Alibi, 8, 2, 4), u, timings);
  for (int h = 0; h < 2; ++h)
    for (int t = 0; t < 10; ++t)
      for (int j = 0; j <= t; ++j)
        EXPECT_NEAR(head(alibi.scores, h)(t, j), head(plain.scores, h)(t, j) - alibi.alibi_slopes(h) * (t - j), 1e-5f);
}

TEST(LinearAttention, ParallelEqualsRecurrent) {
  for (FeatureMap map : {FeatureMap::Elu1, FeatureMap::Identity})
    for (const auto& shape : test::kShapes) {
      const int L = shape.L, dh = shape.N;
      const Matrix phi_q = feature_map(random_u(L, dh, 1), map);
      const Matrix phi_k = feature_map(random_u(L, dh, 2), map);
      const Matrix v = random_u(L, dh, 3);
      Matrix weights;
      const Matrix parallel = linear_attention_parallel(phi_q, phi_k, v, MaskKind::Causal, 0, &weights);
      std::vector<Matrix> states;
      const Matrix recurrent = linear_attention_recurrent(phi_q, phi_k, v, &states);
      // Both accumulate in double and round once; only the order of the sums differs. The
      // identity map can make phi_q . z small, which magnifies that difference; rows are
      // compared against their own scale.
      for (int t = 0; t < L; ++t) {
        const double scale = std::max(1e-6, static_cast<double>(parallel.row(t).cwiseAbs().maxCoeff()));
        EXPECT_LE(track(map == FeatureMap::Elu1 ? "linear parallel vs recurrent (elu+1)"
                                                : "linear parallel vs recurrent (identity)",
                        (parallel.row(t) - recurrent.row(t)).cwiseAbs().maxCoeff() / scale),
                  1e-5)
            << "t " << t;
      }
      ASSERT_EQ(states.size(), static_cast<size_t>(L));
      // S_{L-1} = sum_s phi_k_s v_s^T.
      EXPECT_LE(max_error_over_scale(states.back(), Matrix(phi_k.transpose() * v)), 1e-5);
      // Causal weights: zero above the diagonal; elu+1 weights are positive and sum to ~1.
      for (int t = 0; t < L; ++t)
        for (int j = t + 1; j < L; ++j) EXPECT_EQ(weights(t, j), 0.0f);
      if (map == FeatureMap::Elu1) {
        for (int t = 0; t < L; ++t) EXPECT_NEAR(weights.row(t).sum(), 1.0f, 1e-5f);
      }
    }
}

TEST(LinearAttention, LayerProbsAreNormalizedWeights) {
  const Session s = attention_session(AttentionKind::Linear, MaskKind::Causal, Positional::None, 16, 2, 8);
  Timings timings;
  const AttentionResults r = run_attention(s, random_u(30, 16), timings);
  for (int h = 0; h < 2; ++h) {
    const Matrix expected = head(r.probs, h) * head(r.v, h);
    EXPECT_LE(max_error_over_scale(head(r.out, h), expected), 1e-5);
  }
  // The state does not grow with t.
  EXPECT_EQ(r.kv_cache_bytes.front(), r.kv_cache_bytes.back());
}

TEST(LagHead, CopiesAtLagExactly) {
  for (int lag : {1, 3, 8}) {
    Session s = attention_session(AttentionKind::Lag, MaskKind::Causal, Positional::None, 16, 2, 8);
    s.attention.lag = lag;
    const int L = 20;
    Timings timings;
    const AttentionResults r = run_attention(s, random_u(L, 16), timings);
    for (int h = 0; h < 2; ++h) {
      const auto probs = head(r.probs, h);
      const auto v = head(r.v, h);
      const auto out = head(r.out, h);
      for (int t = 0; t < L; ++t) {
        const int src = t >= lag ? t - lag : t;  // rows t < lag attend to t itself
        EXPECT_EQ(probs.row(t).sum(), 1.0f);
        EXPECT_EQ(probs(t, src), 1.0f);
        for (int j = 0; j < 8; ++j) EXPECT_EQ(out(t, j), v(src, j));  // bit-exact copy
      }
    }
  }
}

TEST(Attention, SinusoidalPositions) {
  const Matrix pe = sinusoidal_positions(50, 8);
  EXPECT_EQ(pe(0, 0), 0.0f);
  EXPECT_EQ(pe(0, 1), 1.0f);
  EXPECT_FLOAT_EQ(pe(7, 0), std::sin(7.0f));
  EXPECT_FLOAT_EQ(pe(7, 3), static_cast<float>(std::cos(7.0 / std::pow(10000.0, 2.0 / 8.0))));
}

// Positional schemes enter where the papers put them: sinusoidal on u before the projection,
// RoPE on q and k after it.
TEST(Attention, PositionalSchemesApplyWhereTheyShould) {
  const Matrix u = random_u(10, 8);
  Timings timings;
  const AttentionResults sin_r =
      run_attention(attention_session(AttentionKind::Softmax, MaskKind::Causal, Positional::Sinusoidal, 8, 2, 4), u, timings);
  const Matrix q_sin = ((u + sinusoidal_positions(10, 8)) * sin_r.W_q).middleCols(4, 4);
  EXPECT_LE(max_error_over_scale(head(sin_r.q, 1), q_sin), 1e-6);
  const AttentionResults rope_r =
      run_attention(attention_session(AttentionKind::Softmax, MaskKind::Causal, Positional::Rope, 8, 2, 4), u, timings);
  Matrix k_rope = (u * rope_r.W_k).middleCols(4, 4);
  apply_rope(k_rope);
  // Not bit-exact: Eigen may sum a product block in another order than the full product.
  EXPECT_LE(max_error_over_scale(head(rope_r.k, 1), k_rope), 1e-6);
  EXPECT_LE(max_error_over_scale(head(rope_r.v, 1), Matrix((u * rope_r.W_v).middleCols(4, 4))), 1e-6);  // v not rotated
  Matrix k_plain = (u * rope_r.W_k).middleCols(4, 4);
  EXPECT_GT(max_error_over_scale(head(rope_r.k, 1), k_plain), 1e-2);  // k was rotated
}

TEST(Attention, ShapesCacheAndErrors) {
  Session s = attention_session(AttentionKind::Softmax, MaskKind::Window, Positional::Rope, 16, 2, 8);
  Timings timings;
  const AttentionResults r = run_attention(s, random_u(12, 16), timings);
  EXPECT_EQ(r.q.shape, (std::vector<int64_t>{2, 12, 8}));
  EXPECT_EQ(r.probs.shape, (std::vector<int64_t>{2, 12, 12}));
  EXPECT_EQ(r.out.shape, (std::vector<int64_t>{2, 12, 8}));
  // Window 5: the cache grows to 5 positions, then stays.
  EXPECT_EQ(r.kv_cache_bytes[0], 2.0 * 2 * 8 * 4);
  EXPECT_EQ(r.kv_cache_bytes[11], 5 * 2.0 * 2 * 8 * 4);
  EXPECT_GT(timings.at("attention"), 0.0);
  s.attention.heads = 0;
  EXPECT_THROW(run_attention(s, random_u(4, 16), timings), UserError);
  s.attention.heads = 2;
  s.attention.temperature = 0.0;
  EXPECT_THROW(run_attention(s, random_u(4, 16), timings), UserError);
}

}  // namespace
}  // namespace seqscope::compute
