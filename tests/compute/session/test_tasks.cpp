// Token tasks (compute/session/tasks.h): each generator's format over many seeds (where the
// separators, markers and triggers are, targets exactly the right symbols and -1 elsewhere, K
// targets), determinism for a seed and across threads, sizes that do not fit refused with one
// line, the dashboard's inputs equal to the generator's sample, and version 1 session files:
// "induction" loads as mqar with exactly the tokens the version 1 generator gave.
//
//   helpers            specs, sessions, target counts, the FNV hash of the captures
//   formats            copy, selective_copy, induction, mqar, delayed_recall
//   determinism        seeds, the Rng overload, batches across threads
//   size checks        the one-line errors, training words and session key paths
//   dashboard          make_inputs = make_task_sample
//   version 1 files    migration of "induction", unchanged tasks, copy's new recall
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "compute/session/inputs.h"
#include "compute/session/session.h"
#include "compute/session/session_schema.h"
#include "compute/session/tasks.h"
#include "core/parallel.h"
#include "tests/compute/session/v1_task_captures.h"

namespace seqscope::compute {
namespace {

using nlohmann::json;

// [SECTION] helpers

constexpr int kSeeds = 300;

TaskSpec spec_of(TaskKind kind, int length, int k, int vocab = 16, int queries = 0, int lag = 8) {
  TaskSpec spec;
  spec.kind = kind;
  spec.length = length;
  spec.num_tokens = k;
  spec.vocab = vocab;
  spec.num_queries = queries;
  spec.lag = lag;
  return spec;
}

bool is_data(int token) {
  return token >= schema::kTaskFirstData;
}

int target_count(const TaskSample& s) {
  return static_cast<int>(std::count_if(s.targets.begin(), s.targets.end(), [](int x) { return x >= 0; }));
}

void expect_sizes(const TaskSample& s, const TaskSpec& spec) {
  const auto length = static_cast<size_t>(spec.length);
  ASSERT_EQ(s.tokens.size(), length);
  ASSERT_EQ(s.targets.size(), length);
  ASSERT_EQ(s.roles.size(), length);
  for (size_t t = 0; t < length; ++t) {
    EXPECT_GE(s.tokens[t], 0);
    EXPECT_LT(s.tokens[t], spec.vocab);
    if (s.targets[t] >= 0) {
      EXPECT_TRUE(is_data(s.targets[t])) << "targets are data symbols";
      EXPECT_LT(s.targets[t], spec.vocab);
    }
  }
}

std::string problem_of(const TaskSpec& spec) {
  return task_problem(spec);
}

std::string session_error(const json& top) {
  try {
    session_from_json(top);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

json task_json(std::string_view task, int length, int vocab, int k, int lag, uint64_t seed) {
  return {{"seed", seed},
          {"input",
           {{"kind", "task"},
            {"task", task},
            {"length", length},
            {"vocab", vocab},
            {"num_tokens", k},
            {"lag", lag}}}};
}

// FNV-1a over every step's (token, target, role), each as 8 little-endian bytes: the hash of
// v1_task_captures.h.
uint64_t fnv_of_steps(const Inputs& in) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](int64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (static_cast<uint64_t>(v) >> (8 * i)) & 0xffu;
      h *= 1099511628211ull;
    }
  };
  for (size_t t = 0; t < in.tokens.size(); ++t) {
    mix(in.tokens[t]);
    mix(in.targets[t]);
    mix(static_cast<int>(in.roles[t]));
  }
  return h;
}

// [SECTION] formats

// $ x1..xK · · · | x1..xK: the target at | is x1, at the copy of x_i it is x_(i+1).
TEST(Tasks, CopyIsStartSymbolsSeparatorAndTheCopy) {
  for (const TaskSpec& spec : {spec_of(TaskKind::Copy, 20, 4), spec_of(TaskKind::Copy, 18, 8, 6),
                               spec_of(TaskKind::Copy, 4, 1, 5), spec_of(TaskKind::Copy, 300, 40, 100)}) {
    const int k = spec.num_tokens, length = spec.length, separator = length - k - 1;
    for (uint64_t seed = 0; seed < kSeeds; ++seed) {
      const TaskSample s = make_task_sample(spec, seed);
      expect_sizes(s, spec);
      EXPECT_EQ(s.tokens[0], schema::kTaskStart);
      EXPECT_EQ(s.roles[0], TokenRole::Marker);
      for (int i = 0; i < k; ++i) {
        EXPECT_TRUE(is_data(s.tokens[1 + i]));
        EXPECT_EQ(s.roles[1 + i], TokenRole::Data);
        EXPECT_EQ(s.tokens[separator + 1 + i], s.tokens[1 + i]) << "the copy repeats the symbols in order";
      }
      for (int t = 1 + k; t < separator; ++t) {
        EXPECT_EQ(s.tokens[t], schema::kTaskBlank);
        EXPECT_EQ(s.roles[t], TokenRole::Noise);
      }
      EXPECT_EQ(s.tokens[separator], schema::kTaskMarker);
      for (int t = 0; t < length; ++t) {
        // The target of every step from | to the last copy but one is the next token.
        const bool has_target = t >= separator && t < length - 1;
        EXPECT_EQ(s.targets[t], has_target ? s.tokens[t + 1] : -1) << "t = " << t;
        EXPECT_EQ(s.roles[t] == TokenRole::Query, has_target) << "t = " << t;
      }
      ASSERT_EQ(target_count(s), k);
    }
  }
}

TEST(Tasks, SelectiveCopyPutsTheSymbolsAmongBlanksThenMarkers) {
  for (const TaskSpec& spec :
       {spec_of(TaskKind::SelectiveCopy, 64, 6), spec_of(TaskKind::SelectiveCopy, 8, 4, 5),
        spec_of(TaskKind::SelectiveCopy, 256, 16, 40)}) {
    const int k = spec.num_tokens, span = spec.length - k;
    std::set<int> positions_seen;
    for (uint64_t seed = 0; seed < kSeeds; ++seed) {
      const TaskSample s = make_task_sample(spec, seed);
      expect_sizes(s, spec);
      std::vector<int> data;
      for (int t = 0; t < span; ++t) {
        EXPECT_EQ(s.targets[t], -1);
        if (s.roles[t] == TokenRole::Data) {
          EXPECT_TRUE(is_data(s.tokens[t]));
          data.push_back(s.tokens[t]);
          positions_seen.insert(t);
        } else {
          EXPECT_EQ(s.roles[t], TokenRole::Noise);
          EXPECT_EQ(s.tokens[t], schema::kTaskBlank);
        }
      }
      ASSERT_EQ(data.size(), static_cast<size_t>(k));
      for (int i = 0; i < k; ++i) {
        EXPECT_EQ(s.tokens[span + i], schema::kTaskMarker);
        EXPECT_EQ(s.roles[span + i], TokenRole::Marker);
        EXPECT_EQ(s.targets[span + i], data[static_cast<size_t>(i)]);
      }
      EXPECT_EQ(target_count(s), k);
    }
    EXPECT_EQ(positions_seen.size(), static_cast<size_t>(span)) << "every position of the span gets symbols";
  }
}

// Random symbols, ? v somewhere, ? at the last step with target v.
TEST(Tasks, InductionHasTheTriggerTwiceAndTargetsItsValue) {
  for (const TaskSpec& spec :
       {spec_of(TaskKind::Induction, 8, 4), spec_of(TaskKind::Induction, 3, 4, 5),
        spec_of(TaskKind::Induction, 256, 4), spec_of(TaskKind::Induction, 100, 1, 30)}) {
    const int length = spec.length;
    std::set<int> triggers_seen;
    for (uint64_t seed = 0; seed < kSeeds; ++seed) {
      const TaskSample s = make_task_sample(spec, seed);
      expect_sizes(s, spec);
      std::vector<int> triggers;
      for (int t = 0; t < length; ++t)
        if (s.tokens[t] == schema::kTaskQuery) triggers.push_back(t);
      ASSERT_EQ(triggers.size(), 2u);
      const int p = triggers[0];
      triggers_seen.insert(p);
      EXPECT_LE(p, length - 3);
      EXPECT_EQ(triggers[1], length - 1);
      EXPECT_EQ(s.roles[p], TokenRole::Marker);
      EXPECT_EQ(s.roles[p + 1], TokenRole::Data);
      EXPECT_EQ(s.roles[length - 1], TokenRole::Query);
      EXPECT_EQ(s.targets[length - 1], s.tokens[p + 1]);
      for (int t = 0; t < length - 1; ++t) {
        EXPECT_EQ(s.targets[t], -1);
        if (t != p) {
          EXPECT_TRUE(is_data(s.tokens[t]));
        }
        if (t != p && t != p + 1) {
          EXPECT_EQ(s.roles[t], TokenRole::Noise);
        }
      }
      EXPECT_EQ(target_count(s), 1);
    }
    if (length <= 8) {
      EXPECT_EQ(triggers_seen.size(), static_cast<size_t>(length - 2)) << "every place 0..L-3";
    }
  }
}

// k1 v1 .. kK vK · · · then Q distinct keys in random order, each targeting its value.
TEST(Tasks, MqarAsksTheKeysAgainAndTargetsTheirValues) {
  for (const TaskSpec& spec : {spec_of(TaskKind::Mqar, 64, 8), spec_of(TaskKind::Mqar, 12, 4, 8),
                               spec_of(TaskKind::Mqar, 40, 6, 10, 3), spec_of(TaskKind::Mqar, 7, 3, 7, 1),
                               spec_of(TaskKind::Mqar, 512, 64, 128)}) {
    const int k = spec.num_tokens, length = spec.length, q = task_query_count(spec);
    EXPECT_EQ(q, spec.num_queries == 0 ? k : spec.num_queries);
    bool some_reordered = false;
    for (uint64_t seed = 0; seed < kSeeds; ++seed) {
      const TaskSample s = make_task_sample(spec, seed);
      expect_sizes(s, spec);
      std::vector<int> keys;
      for (int i = 0; i < k; ++i) {
        keys.push_back(s.tokens[2 * i]);
        EXPECT_TRUE(is_data(s.tokens[2 * i]));
        EXPECT_TRUE(is_data(s.tokens[2 * i + 1]));
        EXPECT_EQ(s.roles[2 * i], TokenRole::Data);
        EXPECT_EQ(s.roles[2 * i + 1], TokenRole::Data);
        EXPECT_EQ(s.targets[2 * i], -1);
        EXPECT_EQ(s.targets[2 * i + 1], -1);
      }
      EXPECT_EQ(std::set<int>(keys.begin(), keys.end()).size(), static_cast<size_t>(k)) << "distinct keys";
      for (int t = 2 * k; t < length - q; ++t) {
        EXPECT_EQ(s.tokens[t], schema::kTaskBlank);
        EXPECT_EQ(s.roles[t], TokenRole::Noise);
        EXPECT_EQ(s.targets[t], -1);
      }
      std::set<int> asked;
      for (int j = 0; j < q; ++j) {
        const int t = length - q + j;
        const auto pair = std::find(keys.begin(), keys.end(), s.tokens[t]) - keys.begin();
        ASSERT_LT(pair, k) << "a query is one of the keys";
        EXPECT_EQ(s.roles[t], TokenRole::Query);
        EXPECT_EQ(s.targets[t], s.tokens[2 * pair + 1]) << "its value";
        asked.insert(s.tokens[t]);
        if (pair != j) some_reordered = true;
      }
      EXPECT_EQ(asked.size(), static_cast<size_t>(q)) << "no key is asked twice";
      EXPECT_EQ(target_count(s), q);
    }
    if (q > 1) {
      EXPECT_TRUE(some_reordered) << "the keys come back in random order";
    }
  }
}

TEST(Tasks, DelayedRecallTargetsTheSymbolLagStepsBack) {
  for (const TaskSpec& spec :
       {spec_of(TaskKind::DelayedRecall, 50, 4, 16, 0, 4), spec_of(TaskKind::DelayedRecall, 2, 4, 5, 0, 1)}) {
    for (uint64_t seed = 0; seed < kSeeds; ++seed) {
      const TaskSample s = make_task_sample(spec, seed);
      expect_sizes(s, spec);
      for (int t = 0; t < spec.length; ++t) {
        EXPECT_TRUE(is_data(s.tokens[t]));
        EXPECT_EQ(s.targets[t], t >= spec.lag ? s.tokens[t - spec.lag] : -1);
        EXPECT_EQ(s.roles[t], t >= spec.lag ? TokenRole::Query : TokenRole::Data);
      }
      EXPECT_EQ(target_count(s), spec.length - spec.lag);
    }
  }
}

// task_targets recomputes every generated sample's targets from its tokens alone, and follows
// an edit the way the task defines the answer.
TEST(Tasks, TargetsOfAnySequenceMatchTheGeneratorsAndFollowEdits) {
  const std::vector<TaskSpec> specs = {spec_of(TaskKind::Copy, 30, 5),          spec_of(TaskKind::Copy, 12, 5),
                                       spec_of(TaskKind::SelectiveCopy, 30, 5), spec_of(TaskKind::SelectiveCopy, 12, 6),
                                       spec_of(TaskKind::Induction, 30, 5),     spec_of(TaskKind::Induction, 3, 1),
                                       spec_of(TaskKind::Mqar, 30, 5),          spec_of(TaskKind::Mqar, 30, 5, 16, 2),
                                       spec_of(TaskKind::DelayedRecall, 30, 5, 16, 0, 3)};
  for (const TaskSpec& spec : specs)
    for (uint64_t seed = 0; seed < kSeeds; ++seed) {
      const TaskSample s = make_task_sample(spec, seed);
      EXPECT_EQ(task_targets(spec, s.tokens), s.targets) << static_cast<int>(spec.kind) << " seed " << seed;
    }
  const int q = schema::kTaskFirstData + 9;  // a symbol the edits write
  {
    const TaskSpec spec = spec_of(TaskKind::SelectiveCopy, 30, 5);
    TaskSample s = make_task_sample(spec, uint64_t{4});
    const auto first = static_cast<size_t>(std::find(s.roles.begin(), s.roles.end(), TokenRole::Data) - s.roles.begin());
    s.tokens[first] = q;
    EXPECT_EQ(task_targets(spec, s.tokens)[static_cast<size_t>(30 - 5)], q);  // the first marker now wants q
  }
  {
    const TaskSpec spec = spec_of(TaskKind::Induction, 30, 5);
    TaskSample s = make_task_sample(spec, uint64_t{4});
    const auto trigger = static_cast<size_t>(std::find(s.tokens.begin(), s.tokens.end(), schema::kTaskQuery) - s.tokens.begin());
    s.tokens[trigger + 1] = q;
    EXPECT_EQ(task_targets(spec, s.tokens).back(), q);
    s.tokens[trigger] = schema::kTaskBlank;  // no trigger before the end: no answer
    EXPECT_EQ(task_targets(spec, s.tokens).back(), -1);
  }
}

TEST(Tasks, LabelsOfTheReservedIdsAndTheSymbols) {
  EXPECT_EQ(task_token_label(schema::kTaskBlank), "\u00b7");
  EXPECT_EQ(task_token_label(schema::kTaskStart), "$");
  EXPECT_EQ(task_token_label(schema::kTaskMarker), "|");
  EXPECT_EQ(task_token_label(schema::kTaskQuery), "?");
  EXPECT_EQ(task_token_label(schema::kTaskFirstData), "a");
  EXPECT_EQ(task_token_label(schema::kTaskFirstData + 26), "A");
  EXPECT_EQ(task_token_label(schema::kTaskFirstData + 52), "s52");
}

// [SECTION] determinism

std::vector<TaskSpec> one_spec_per_task() {
  return {spec_of(TaskKind::Copy, 30, 5), spec_of(TaskKind::SelectiveCopy, 30, 5),
          spec_of(TaskKind::Induction, 30, 5), spec_of(TaskKind::Mqar, 30, 5),
          spec_of(TaskKind::DelayedRecall, 30, 5, 16, 0, 3)};
}

bool same(const TaskSample& a, const TaskSample& b) {
  return a.tokens == b.tokens && a.targets == b.targets && a.roles == b.roles;
}

TEST(Tasks, ASeedGivesOneSample) {
  for (const TaskSpec& spec : one_spec_per_task()) {
    int differing = 0;
    for (uint64_t seed = 0; seed < 50; ++seed) {
      EXPECT_TRUE(same(make_task_sample(spec, seed), make_task_sample(spec, seed)));
      differing += !same(make_task_sample(spec, seed), make_task_sample(spec, seed + 1));
    }
    EXPECT_GE(differing, 45) << schema::enum_name(spec.kind);
    // The generator overload continues one stream: its first sample is the seed's.
    InputRng rng(3, InputStream::Task);
    const TaskSample first = make_task_sample(spec, rng);
    const TaskSample second = make_task_sample(spec, rng);
    EXPECT_TRUE(same(first, make_task_sample(spec, uint64_t{3})));
    EXPECT_FALSE(same(first, second));
  }
}

// Sample i of a stream comes from task_sample_seed(seed, i): a batch is the same whatever part of
// it each thread makes, and two batches of a stream are one longer batch.
TEST(Tasks, BatchesAreTheSameOnAnyNumberOfThreads) {
  for (const TaskSpec& spec : one_spec_per_task()) {
    const int count = 12, length = spec.length;
    const TaskBatch batch = make_task_batch(spec, 99, 5, count);
    ASSERT_EQ(batch.count, count);
    ASSERT_EQ(batch.length, length);
    ASSERT_EQ(batch.tokens.size(), static_cast<size_t>(count * length));
    for (int b = 0; b < count; ++b) {
      const TaskSample s = make_task_sample(spec, task_sample_seed(99, 5 + static_cast<uint64_t>(b)));
      EXPECT_TRUE(std::equal(s.tokens.begin(), s.tokens.end(), batch.tokens.begin() + b * length));
      EXPECT_TRUE(std::equal(s.targets.begin(), s.targets.end(), batch.targets.begin() + b * length));
    }
    const TaskBatch head = make_task_batch(spec, 99, 5, 4), tail = make_task_batch(spec, 99, 9, count - 4);
    std::vector<int> joined = head.tokens;
    joined.insert(joined.end(), tail.tokens.begin(), tail.tokens.end());
    EXPECT_EQ(joined, batch.tokens);
    for (int64_t workers : {1, 2, 3, 7}) {
      std::vector<int> tokens(batch.tokens.size()), targets(batch.targets.size());
      run_workers(workers, [&](int64_t w) {
        for (int64_t b = w; b < count; b += workers) {
          const TaskSample s = make_task_sample(spec, task_sample_seed(99, 5 + static_cast<uint64_t>(b)));
          std::copy(s.tokens.begin(), s.tokens.end(), tokens.begin() + b * length);
          std::copy(s.targets.begin(), s.targets.end(), targets.begin() + b * length);
        }
      });
      EXPECT_EQ(tokens, batch.tokens) << workers << " workers";
      EXPECT_EQ(targets, batch.targets) << workers << " workers";
    }
    EXPECT_NE(make_task_batch(spec, 99, 0, 4).tokens, make_task_batch(spec, 100, 0, 4).tokens);
    EXPECT_NE(std::vector<int>(batch.tokens.begin(), batch.tokens.begin() + length),
              std::vector<int>(batch.tokens.begin() + length, batch.tokens.begin() + 2 * length));
  }
}

// [SECTION] size checks

TEST(Tasks, SizesThatDoNotFitAreOneLineNamingTheProblem) {
  struct Case {
    TaskSpec spec;
    std::string line;
  };
  const Case cases[] = {
      {spec_of(TaskKind::Copy, 12, 8),
       "length 12 is too short for copy with K = 8 (needs at least 18: $, K symbols, |, K copies)"},
      {spec_of(TaskKind::SelectiveCopy, 7, 4),
       "length 7 is too short for selective_copy with K = 4 "
       "(needs at least 8: K symbols among blanks, then K markers)"},
      {spec_of(TaskKind::Induction, 2, 4),
       "length 2 is too short for induction "
       "(needs at least 3: the trigger ?, its value, ? again at the end)"},
      {spec_of(TaskKind::Mqar, 11, 4),
       "length 11 is too short for mqar with K = 4 and 4 queries "
       "(needs at least 12: K key-value pairs, then the queries)"},
      {spec_of(TaskKind::Mqar, 8, 4, 16, 1),
       "length 8 is too short for mqar with K = 4 and 1 queries "
       "(needs at least 9: K key-value pairs, then the queries)"},
      {spec_of(TaskKind::Mqar, 64, 13),
       "K 13 is too large for mqar with vocab = 16: keys are distinct data symbols and there are 12"},
      {spec_of(TaskKind::Mqar, 64, 4, 16, 5),
       "queries 5 is out of range for mqar with K = 4 (0..4, 0 = all K keys)"},
      {spec_of(TaskKind::DelayedRecall, 8, 4, 16, 0, 8),
       "lag 8 is out of range for delayed_recall with length = 8 (1..7)"},
      {spec_of(TaskKind::DelayedRecall, 8, 4, 16, 0, 0),
       "lag 0 is out of range for delayed_recall with length = 8 (1..7)"},
      {spec_of(TaskKind::Copy, 20, 0), "K 0 is out of range for copy (at least 1)"},
      {spec_of(TaskKind::Copy, 20, 2, 4),
       "vocab 4 is too small for copy (needs at least 5: ids 0..3 are reserved, data symbols start at 4)"},
      {spec_of(TaskKind::Induction, 0, 2), "length 0 is out of range (at least 1)"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(problem_of(c.spec), c.line);
    EXPECT_EQ(c.line.find('\n'), std::string::npos);
    try {
      make_task_sample(c.spec, uint64_t{1});
      ADD_FAILURE() << "accepted: " << c.line;
    } catch (const UserError& e) {
      EXPECT_EQ(std::string(e.what()), c.line);
    }
    EXPECT_THROW(check_task(c.spec), UserError);
  }
  // The shortest lengths that fit, and sizes a task does not use, are accepted.
  for (const TaskSpec& spec : {spec_of(TaskKind::Copy, 18, 8), spec_of(TaskKind::SelectiveCopy, 8, 4),
                               spec_of(TaskKind::Induction, 3, 0), spec_of(TaskKind::Mqar, 12, 4),
                               spec_of(TaskKind::Mqar, 9, 4, 16, 1), spec_of(TaskKind::Mqar, 64, 12),
                               spec_of(TaskKind::DelayedRecall, 8, 0, 16, 0, 7)}) {
    EXPECT_EQ(problem_of(spec), "") << schema::enum_name(spec.kind);
    EXPECT_EQ(make_task_sample(spec, uint64_t{1}).tokens.size(), static_cast<size_t>(spec.length));
  }
}

// A session names the same problems by their key paths.
TEST(Tasks, SessionsNameTheProblemsByTheirKeyPaths) {
  EXPECT_EQ(session_error(task_json("copy", 12, 16, 8, 8, 7)),
            "session: input.length = 12 is too short for copy with input.num_tokens = 8 "
            "(needs at least 18: $, K symbols, |, K copies)");
  json mqar = task_json("mqar", 64, 16, 4, 8, 7);
  mqar["input"]["num_queries"] = 5;
  EXPECT_EQ(session_error(mqar),
            "session: input.num_queries = 5 is out of range for mqar with input.num_tokens = 4 "
            "(0..4, 0 = all K keys)");
  EXPECT_EQ(session_error(task_json("mqar", 64, 6, 3, 8, 7)),
            "session: input.num_tokens = 3 is too large for mqar with input.vocab = 6: "
            "keys are distinct data symbols and there are 2");
  EXPECT_EQ(session_error(task_json("delayed_recall", 64, 16, 4, 64, 7)),
            "session: input.lag = 64 is out of range for delayed_recall with input.length = 64 (1..63)");
  // Sizes are checked for the chosen task only.
  EXPECT_EQ(session_error(task_json("induction", 3, 16, 1000, 8, 7)), "");
}

// [SECTION] dashboard

TEST(Tasks, TheDashboardShowsTheGeneratorsSample) {
  for (const TaskSpec& spec : one_spec_per_task()) {
    for (uint64_t seed : {0ull, 7ull, 123456789ull}) {
      Session s;
      s.seed = seed;
      s.input.kind = InputKind::Task;
      s.input.task = spec.kind;
      s.input.length = spec.length;
      s.input.vocab = spec.vocab;
      s.input.num_tokens = spec.num_tokens;
      s.input.num_queries = spec.num_queries;
      s.input.lag = spec.lag;
      const TaskSpec from_session = task_spec(s.input);
      EXPECT_EQ(from_session.kind, spec.kind);
      EXPECT_EQ(from_session.length, spec.length);
      const Inputs in = make_inputs(s);
      const TaskSample sample = make_task_sample(spec, seed);
      EXPECT_EQ(in.tokens, sample.tokens);
      EXPECT_EQ(in.targets, sample.targets);
      EXPECT_EQ(in.roles, sample.roles);
      EXPECT_EQ(in.vocab, spec.vocab);
      ASSERT_EQ(in.labels.size(), sample.tokens.size());
      for (size_t t = 0; t < in.labels.size(); ++t)
        EXPECT_EQ(in.labels[t], task_token_label(sample.tokens[t]));
    }
  }
}

// [SECTION] version 1 files

json v1_json(const v1_capture::Capture& c) {
  json top = task_json(c.task, c.length, c.vocab, c.num_tokens, c.lag, c.seed);
  top["version"] = 1;
  return top;
}

// Version 1's "induction" (pairs, blanks, one final query) is mqar with one query: it loads as
// such and gives, token for token, what version 1 gave (captured before the change).
TEST(TasksV1, InductionLoadsAsMqarWithTheSameTokens) {
  int checked = 0;
  for (const v1_capture::Capture& c : v1_capture::kCaptures) {
    if (c.task != "induction") continue;
    const Session s = session_from_json(v1_json(c));
    EXPECT_EQ(s.version, schema::kSupportedVersion);
    EXPECT_EQ(s.input.task, TaskKind::Mqar);
    EXPECT_EQ(s.input.num_queries, 1);
    EXPECT_EQ(s.input.num_tokens, c.num_tokens);
    const Inputs in = make_inputs(s);
    EXPECT_EQ(fnv_of_steps(in), c.hash) << c.length << " " << c.seed;
    if (!c.tokens.empty()) {
      EXPECT_EQ(in.tokens, c.tokens);
      EXPECT_EQ(in.targets, c.targets);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 30);
}

// Through a file, as `seqscope --session old.json` reads it; written back it is version 2 and
// loads to the same session and the same tokens.
TEST(TasksV1, AMigratedFileWritesBackAsVersion2) {
  const v1_capture::Capture& c = v1_capture::kCaptures.front();
  ASSERT_EQ(c.task, "induction");
  const auto path = std::filesystem::temp_directory_path() /
                    ("seqscope_v1_induction_" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << v1_json(c).dump(1);
  const Session loaded = load_session(path);
  std::filesystem::remove(path);
  EXPECT_EQ(make_inputs(loaded).tokens, c.tokens);
  const json written = session_to_json(loaded);
  EXPECT_EQ(written["version"], 2);
  EXPECT_EQ(written["input"]["task"], "mqar");
  EXPECT_EQ(written["input"]["num_queries"], 1);
  const Session back = session_from_json(written);
  EXPECT_EQ(session_to_json(back), written);
  EXPECT_EQ(make_inputs(back).tokens, c.tokens);
}

// selective_copy and delayed_recall are the same in both versions (the presets and lessons use them).
TEST(TasksV1, UnchangedTasksGiveTheSameInputsInBothVersions) {
  int checked = 0;
  for (const v1_capture::Capture& c : v1_capture::kCaptures) {
    if (c.task != "selective_copy" && c.task != "delayed_recall") continue;
    json v2 = v1_json(c);
    v2.erase("version");
    EXPECT_EQ(fnv_of_steps(make_inputs(session_from_json(v1_json(c)))), c.hash) << c.task << " " << c.seed;
    EXPECT_EQ(fnv_of_steps(make_inputs(session_from_json(v2))), c.hash) << c.task << " " << c.seed;
    ++checked;
  }
  EXPECT_EQ(checked, 25);
}

// copy keeps its symbols, their places and the order of its targets; the recall shows the
// symbols instead of '?' and each target moves one step earlier (predict the next symbol).
TEST(TasksV1, CopyKeepsItsSymbolsAndShowsThemInTheRecall) {
  int checked = 0;
  for (const v1_capture::Capture& c : v1_capture::kCaptures) {
    if (c.task != "copy") continue;
    const Inputs in = make_inputs(session_from_json(v1_json(c)));
    const int k = c.num_tokens, length = c.length;
    for (int t = 0; t < length - k; ++t) EXPECT_EQ(in.tokens[t], c.tokens[t]);
    for (int i = 0; i < k; ++i) {
      EXPECT_EQ(c.tokens[length - k + i], schema::kTaskQuery);
      EXPECT_EQ(in.tokens[length - k + i], c.tokens[1 + i]);
      EXPECT_EQ(in.targets[length - k + i - 1], c.targets[length - k + i]);
    }
    EXPECT_EQ(in.targets[length - 1], -1);
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

TEST(TasksV1, WhatVersion1DidNotHaveIsRefused) {
  json top = task_json("mqar", 24, 16, 3, 8, 7);
  top["version"] = 1;
  EXPECT_EQ(session_error(top),
            "session: input.task = \"mqar\" is not a task of version 1 files (it came with version 2)");
  top["input"]["task"] = "induction";
  top["input"]["num_queries"] = 2;
  EXPECT_EQ(session_error(top),
            "session: unknown key \"input.num_queries\" in a version 1 file (it came with version 2)");
  EXPECT_EQ(session_error({{"version", 3}}),
            "session: version = 3 is not supported (supported versions: 1, 2)");
  EXPECT_EQ(session_error({{"version", 0}}),
            "session: version = 0 is not supported (supported versions: 1, 2)");
  // Version 2 (and a file without a version) means the new tasks.
  for (const json& v2 : {task_json("induction", 24, 16, 3, 8, 7),
                         json{{"version", 2}, {"input", {{"kind", "task"}, {"task", "induction"}}}}}) {
    const Session s = session_from_json(v2);
    EXPECT_EQ(s.input.task, TaskKind::Induction);
    EXPECT_EQ(make_inputs(s).tokens.back(), schema::kTaskQuery);
  }
}

}  // namespace
}  // namespace seqscope::compute
