// make_inputs: task generators produce their documented layouts and targets; text labels follow
// UTF-8 characters; signals have their defining values; grid scan orders are permutations with
// the documented shapes (snake, Hilbert, spatial/temporal first); embeddings; determinism.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <vector>

#include "compute/session/inputs.h"
#include "compute/session/session_schema.h"

namespace seqscope::compute {
namespace {

Session task_session(TaskKind task, int length, int num_tokens, uint64_t seed = 7) {
  Session s;
  s.seed = seed;
  s.input.kind = InputKind::Task;
  s.input.task = task;
  s.input.length = length;
  s.input.num_tokens = num_tokens;
  return s;
}

Session grid_session(int width, int height, int frames, ScanOrder order,
                     VideoOrder video = VideoOrder::SpatialFirst) {
  Session s;
  s.input.kind = InputKind::Grid;
  s.input.grid = {width, height, frames, GridPattern::MovingSquare, order, video};
  return s;
}

bool is_data(int token) { return token >= schema::kTaskFirstData; }

void expect_consistent_sizes(const Inputs& in, int d_model) {
  const auto length = static_cast<size_t>(in.length());
  EXPECT_EQ(in.u.cols(), d_model);
  EXPECT_EQ(in.roles.size(), length);
  EXPECT_EQ(in.labels.size(), length);
  EXPECT_EQ(in.targets.size(), length);
}

TEST(TaskInputs, CopyHasStartDataSeparatorAndTheCopy) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    const Inputs in = make_inputs(task_session(TaskKind::Copy, 20, 4, seed));
    ASSERT_EQ(in.length(), 20);
    expect_consistent_sizes(in, 16);
    EXPECT_EQ(in.tokens[0], schema::kTaskStart);
    EXPECT_EQ(in.labels[0], "$");
    EXPECT_EQ(in.tokens[15], schema::kTaskMarker);
    EXPECT_EQ(in.labels[15], "|");
    EXPECT_EQ(in.targets[15], in.tokens[1]);  // at the separator: the first symbol
    for (int i = 0; i < 4; ++i) {
      EXPECT_TRUE(is_data(in.tokens[1 + i]));
      EXPECT_EQ(in.roles[1 + i], TokenRole::Data);
      EXPECT_EQ(in.tokens[16 + i], in.tokens[1 + i]);  // the copy, in order
      EXPECT_EQ(in.labels[16 + i], in.labels[1 + i]);
      EXPECT_EQ(in.targets[16 + i], i < 3 ? in.tokens[2 + i] : -1);  // then the next symbol
      EXPECT_EQ(in.roles[15 + i], TokenRole::Query);
    }
    for (int t = 5; t < 15; ++t) EXPECT_EQ(in.roles[t], TokenRole::Noise);
    EXPECT_EQ(std::count_if(in.targets.begin(), in.targets.end(), [](int x) { return x >= 0; }), 4);
  }
}

TEST(TaskInputs, SelectiveCopyTargetsAreTheDataTokensInOrder) {
  for (uint64_t seed : {1u, 2u, 3u, 4u}) {
    const int length = 64, n = 6;
    const Inputs in = make_inputs(task_session(TaskKind::SelectiveCopy, length, n, seed));
    std::vector<int> data;
    for (int t = 0; t < length - n; ++t) {
      if (in.roles[t] == TokenRole::Data) {
        EXPECT_TRUE(is_data(in.tokens[t]));
        data.push_back(in.tokens[t]);
      } else {
        EXPECT_EQ(in.roles[t], TokenRole::Noise);
        EXPECT_EQ(in.tokens[t], schema::kTaskBlank);
        EXPECT_EQ(in.labels[t], "\u00b7");
      }
      EXPECT_EQ(in.targets[t], -1);
    }
    ASSERT_EQ(data.size(), static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(in.roles[length - n + i], TokenRole::Marker);
      EXPECT_EQ(in.targets[length - n + i], data[static_cast<size_t>(i)]);
    }
  }
}

TEST(TaskInputs, SelectiveCopyPositionsDependOnTheSeed) {
  auto positions = [](uint64_t seed) {
    const Inputs in = make_inputs(task_session(TaskKind::SelectiveCopy, 64, 6, seed));
    std::vector<int> where;
    for (int t = 0; t < in.length(); ++t)
      if (in.roles[t] == TokenRole::Data) where.push_back(t);
    return where;
  };
  EXPECT_EQ(positions(5), positions(5));
  EXPECT_NE(positions(5), positions(6));
}

TEST(TaskInputs, MqarQueriesTargetTheValuesOfTheirKeys) {
  for (uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
    const int length = 30, n = 5;
    Session s = task_session(TaskKind::Mqar, length, n, seed);
    s.input.num_queries = 1;  // version 1's "induction": one final query
    const Inputs in = make_inputs(s);
    std::set<int> keys;
    for (int i = 0; i < n; ++i) keys.insert(in.tokens[2 * i]);
    EXPECT_EQ(keys.size(), static_cast<size_t>(n)) << "keys must be distinct";
    const int query = in.tokens[length - 1];
    EXPECT_EQ(in.roles[length - 1], TokenRole::Query);
    int value = -1;
    for (int i = 0; i < n; ++i)
      if (in.tokens[2 * i] == query) value = in.tokens[2 * i + 1];
    EXPECT_NE(value, -1) << "the query must be one of the keys";
    EXPECT_EQ(in.targets[length - 1], value);
    for (int t = 2 * n; t < length - 1; ++t) EXPECT_EQ(in.roles[t], TokenRole::Noise);
  }
}

TEST(TaskInputs, InductionTargetsTheValueAfterTheTrigger) {
  for (uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
    const Inputs in = make_inputs(task_session(TaskKind::Induction, 30, 4, seed));
    EXPECT_EQ(in.tokens[29], schema::kTaskQuery);
    EXPECT_EQ(in.labels[29], "?");
    const auto first = std::find(in.tokens.begin(), in.tokens.end(), schema::kTaskQuery) - in.tokens.begin();
    ASSERT_LT(first, 28);
    EXPECT_EQ(in.targets[29], in.tokens[first + 1]);
  }
}

TEST(TaskInputs, DelayedRecallTargetIsTheTokenLagStepsBack) {
  Session s = task_session(TaskKind::DelayedRecall, 50, 4);
  s.input.lag = 7;
  const Inputs in = make_inputs(s);
  for (int t = 0; t < 50; ++t) {
    EXPECT_TRUE(is_data(in.tokens[t]));
    if (t < 7) {
      EXPECT_EQ(in.targets[t], -1);
    } else {
      EXPECT_EQ(in.targets[t], in.tokens[t - 7]);
      EXPECT_EQ(in.roles[t], TokenRole::Query);
    }
  }
}

TEST(TaskInputs, DataSymbolsAreLetters) {
  Session s = task_session(TaskKind::DelayedRecall, 200, 4);
  s.input.vocab = 60;  // 56 data symbols: a..z, A..Z, s52..s55
  const Inputs in = make_inputs(s);
  EXPECT_EQ(in.vocab, 60);
  for (int t = 0; t < in.length(); ++t) {
    const int symbol = in.tokens[t] - schema::kTaskFirstData;
    ASSERT_GE(symbol, 0);
    ASSERT_LT(symbol, 56);
    const std::string expected = symbol < 26   ? std::string(1, static_cast<char>('a' + symbol))
                                 : symbol < 52 ? std::string(1, static_cast<char>('A' + symbol - 26))
                                               : std::string("s") + std::to_string(symbol);
    EXPECT_EQ(in.labels[t], expected);
  }
}

TEST(TextInputs, BytesAreTokensAndLabelsFollowCharacters) {
  Session s;
  s.input.text = "a \xc3\xa9\n\xe2\x82\xac";  // "a", space, "é" (2 bytes), newline, "€" (3 bytes)
  const Inputs in = make_inputs(s);
  ASSERT_EQ(in.length(), 8);
  expect_consistent_sizes(in, 16);
  EXPECT_EQ(in.vocab, 256);
  EXPECT_EQ(in.tokens, (std::vector<int>{'a', ' ', 0xc3, 0xa9, '\n', 0xe2, 0x82, 0xac}));
  EXPECT_EQ(in.labels,
            (std::vector<std::string>{"a", "\u2423", "\xc3\xa9", "\u2026", "\\n", "\xe2\x82\xac", "\u2026", "\u2026"}));
  for (TokenRole role : in.roles) EXPECT_EQ(role, TokenRole::Text);
}

TEST(Embedding, OneHotRowsAreUnitVectorsAtTheToken) {
  Session s = task_session(TaskKind::SelectiveCopy, 40, 4);
  s.input.embedding = Embedding::OneHot;
  const Inputs in = make_inputs(s);
  for (int t = 0; t < in.length(); ++t) {
    for (int d = 0; d < 16; ++d) EXPECT_EQ(in.u(t, d), d == in.tokens[t] ? 1.0f : 0.0f);
  }
}

TEST(Embedding, RandomRowsAreSharedPerTokenAndScaledByOneOverSqrtD) {
  Session s;
  s.d_model = 64;
  s.input.text = std::string(300, 'x') + "abcdefghijklmnopqrstuvwxyz0123456789";
  const Inputs in = make_inputs(s);
  EXPECT_EQ(in.u.row(0), in.u.row(299));  // same byte, same row
  double mean_square_norm = 0.0;
  for (int t = 300; t < in.length(); ++t) mean_square_norm += in.u.row(t).squaredNorm();
  mean_square_norm /= in.length() - 300;
  // Rows ~ N(0, 1/D): squared norm ~ chi2(D)/D, mean 1; 36 rows of D = 64 keep the mean within 0.8..1.2.
  EXPECT_GT(mean_square_norm, 0.8);
  EXPECT_LT(mean_square_norm, 1.2);
}

TEST(Determinism, SameSeedSameInputsDifferentSeedDifferent) {
  Session a = task_session(TaskKind::DelayedRecall, 64, 4, 11);
  Session b = a;
  EXPECT_EQ(make_inputs(a).u, make_inputs(b).u);
  b.seed = 12;
  EXPECT_NE(make_inputs(a).tokens, make_inputs(b).tokens);
  Session text_a, text_b;
  text_b.seed = 8;
  EXPECT_NE(make_inputs(text_a).u, make_inputs(text_b).u);  // embedding table depends on the seed
}

TEST(Determinism, EmbeddingTableDoesNotDependOnTheTask) {
  Session a = task_session(TaskKind::DelayedRecall, 64, 4);
  Session b = task_session(TaskKind::Copy, 64, 4);
  const Inputs ia = make_inputs(a), ib = make_inputs(b);
  for (int t = 0; t < ia.length(); ++t)
    for (int r = 0; r < ib.length(); ++r)
      if (ia.tokens[t] == ib.tokens[r]) {
        ASSERT_EQ(ia.u.row(t), ib.u.row(r));
      }
}

Session signal_session(SignalKind kind, int length = 64) {
  Session s;
  s.input.kind = InputKind::Signal;
  s.input.signal = kind;
  s.input.length = length;
  return s;
}

TEST(SignalInputs, ImpulseStepSineSquare) {
  const Inputs impulse = make_inputs(signal_session(SignalKind::Impulse));
  expect_consistent_sizes(impulse, 16);
  EXPECT_TRUE(impulse.tokens.empty());
  EXPECT_EQ(impulse.signal[0], 1.0f);
  for (int t = 1; t < 64; ++t) EXPECT_EQ(impulse.signal[t], 0.0f);
  EXPECT_EQ(impulse.labels[0], "1.00");
  EXPECT_EQ(impulse.roles[5], TokenRole::Signal);

  const Inputs step = make_inputs(signal_session(SignalKind::Step));
  for (int t = 0; t < 64; ++t) EXPECT_EQ(step.signal[t], t >= 16 ? 1.0f : 0.0f);

  Session sine_session = signal_session(SignalKind::Sine);
  sine_session.input.frequency = 0.125;
  const Inputs sine = make_inputs(sine_session);
  EXPECT_NEAR(sine.signal[2], 1.0f, 1e-6);  // quarter period at t = 2
  EXPECT_NEAR(sine.signal[8], 0.0f, 1e-6);  // full period at t = 8

  Session square_session = signal_session(SignalKind::Square);
  square_session.input.frequency = 0.125;
  const Inputs square = make_inputs(square_session);
  for (int t = 0; t < 64; ++t) EXPECT_EQ(square.signal[t], (t % 8) < 4 ? 1.0f : -1.0f) << t;
}

TEST(SignalInputs, NoiseChirpAndSinesAreBoundedAndNotConstant) {
  for (SignalKind kind : {SignalKind::Noise, SignalKind::Chirp, SignalKind::Sines}) {
    const Inputs in = make_inputs(signal_session(kind, 256));
    const auto [lo, hi] = std::minmax_element(in.signal.begin(), in.signal.end());
    EXPECT_LT(*lo, -0.1f);
    EXPECT_GT(*hi, 0.1f);
    EXPECT_LT(*hi, 6.0f);
  }
}

TEST(SignalInputs, ChannelsAreTheSignalTimesSeededGains) {
  const Inputs in = make_inputs(signal_session(SignalKind::Sines));
  // Each channel is a multiple of the signal: u[t, d] * s[t0] == u[t0, d] * s[t].
  const int t0 = 3;
  for (int t = 0; t < in.length(); ++t)
    for (int d = 0; d < 16; ++d) EXPECT_NEAR(in.u(t, d) * in.signal[t0], in.u(t0, d) * in.signal[t], 1e-5);
  EXPECT_NE(in.u(t0, 0), in.u(t0, 1));  // gains differ per channel
}

// (x, y) of a flat cell index of a single-frame grid of width w.
std::pair<int, int> xy(int cell, int w) { return {cell % w, cell / w}; }

void expect_permutation(const std::vector<int>& order, int cells) {
  std::vector<int> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> expected(static_cast<size_t>(cells));
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(sorted, expected);
}

TEST(GridInputs, EveryScanOrderIsAPermutationOfTheCells) {
  for (ScanOrder order : {ScanOrder::RowMajor, ScanOrder::ColumnMajor, ScanOrder::Snake, ScanOrder::Hilbert}) {
    for (auto [w, h] : {std::pair{8, 8}, std::pair{5, 3}, std::pair{1, 7}, std::pair{6, 11}}) {
      const Inputs in = make_inputs(grid_session(w, h, 2, order));
      expect_consistent_sizes(in, 16);
      expect_permutation(in.scan_order, w * h * 2);
    }
  }
}

TEST(GridInputs, RowAndColumnMajor) {
  const Inputs rows = make_inputs(grid_session(4, 3, 1, ScanOrder::RowMajor));
  for (int t = 0; t < 12; ++t) EXPECT_EQ(rows.scan_order[t], t);
  const Inputs cols = make_inputs(grid_session(4, 3, 1, ScanOrder::ColumnMajor));
  for (int t = 0; t < 12; ++t) EXPECT_EQ(xy(cols.scan_order[t], 4), (std::pair{t / 3, t % 3}));
}

TEST(GridInputs, SnakeAlternatesDirectionAndStepsToNeighbours) {
  const int w = 5, h = 4;
  const Inputs in = make_inputs(grid_session(w, h, 1, ScanOrder::Snake));
  for (int y = 0; y < h; ++y) {
    for (int i = 0; i < w; ++i) {
      const auto [x, row] = xy(in.scan_order[y * w + i], w);
      EXPECT_EQ(row, y);
      EXPECT_EQ(x, y % 2 == 0 ? i : w - 1 - i);
    }
  }
  for (int t = 1; t < w * h; ++t) {
    const auto [x0, y0] = xy(in.scan_order[t - 1], w);
    const auto [x1, y1] = xy(in.scan_order[t], w);
    EXPECT_EQ(std::abs(x1 - x0) + std::abs(y1 - y0), 1);
  }
}

TEST(GridInputs, HilbertStepsToA4NeighbourOnPowerOfTwoSquares) {
  for (int n : {1, 2, 4, 8, 16}) {
    const Inputs in = make_inputs(grid_session(n, n, 1, ScanOrder::Hilbert));
    expect_permutation(in.scan_order, n * n);
    EXPECT_EQ(in.scan_order[0], 0);  // starts in the corner (0, 0)
    for (int t = 1; t < n * n; ++t) {
      const auto [x0, y0] = xy(in.scan_order[t - 1], n);
      const auto [x1, y1] = xy(in.scan_order[t], n);
      EXPECT_EQ(std::abs(x1 - x0) + std::abs(y1 - y0), 1) << "n = " << n << ", t = " << t;
    }
  }
}

TEST(GridInputs, SpatialFirstScansWholeFramesTemporalFirstVisitsEachCellAcrossFrames) {
  const int w = 3, h = 2, frames = 4, cells = w * h;
  const Inputs spatial = make_inputs(grid_session(w, h, frames, ScanOrder::Snake, VideoOrder::SpatialFirst));
  const Inputs temporal = make_inputs(grid_session(w, h, frames, ScanOrder::Snake, VideoOrder::TemporalFirst));
  const Inputs single = make_inputs(grid_session(w, h, 1, ScanOrder::Snake));
  for (int f = 0; f < frames; ++f) {
    for (int i = 0; i < cells; ++i) {
      EXPECT_EQ(spatial.scan_order[f * cells + i], f * cells + single.scan_order[i]);
      EXPECT_EQ(temporal.scan_order[i * frames + f], f * cells + single.scan_order[i]);
    }
  }
}

TEST(GridInputs, MovingSquareMovesOneCellPerFrame) {
  Session s = grid_session(8, 8, 3, ScanOrder::RowMajor);
  const Inputs in = make_inputs(s);
  for (int f = 0; f < 3; ++f) {
    std::vector<std::pair<int, int>> lit;
    for (int t = f * 64; t < (f + 1) * 64; ++t) {
      EXPECT_EQ(in.roles[t], TokenRole::Cell);
      if (in.signal[t] == 1.0f) lit.push_back(xy(in.scan_order[t] - f * 64, 8));
    }
    EXPECT_EQ(lit, (std::vector<std::pair<int, int>>{{2 + f, 2}, {3 + f, 2}, {2 + f, 3}, {3 + f, 3}}));
  }
  EXPECT_EQ(in.labels[8 * 2 + 3], "3,2 f0");
}

TEST(GridInputs, CheckerAndGradientValues) {
  Session s = grid_session(4, 4, 2, ScanOrder::RowMajor);
  s.input.grid.pattern = GridPattern::Checker;
  const Inputs checker = make_inputs(s);
  for (int t = 0; t < 32; ++t) {
    const int f = t / 16, x = t % 4, y = (t % 16) / 4;
    EXPECT_EQ(checker.signal[t], (x + y + f) % 2 == 0 ? 1.0f : 0.0f);
  }
  s.input.grid.pattern = GridPattern::Gradient;
  const Inputs gradient = make_inputs(s);
  EXPECT_EQ(gradient.signal[0], 0.0f);
  EXPECT_EQ(gradient.signal[15], 6.0f / 6.0f);  // (3, 3) in frame 0: the far corner is 1
  EXPECT_EQ(gradient.signal[16 + 15], 0.0f);    // frame 1 shifts by one cell and wraps
}

TEST(Inputs, RejectsAnInvalidSession) {
  Session s;
  s.input.text = "";
  EXPECT_THROW(make_inputs(s), UserError);
}

}  // namespace
}  // namespace seqscope::compute
