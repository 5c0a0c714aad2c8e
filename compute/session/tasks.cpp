// The token tasks (tasks.h): size checks, one generator per task, seeds and batches, labels.
//
// Index (each part starts at a "// [SECTION] name" line):
//   size checks      task_problem, check_task
//   generators       copy, selective_copy, induction, mqar, delayed_recall
//   samples          make_task_sample, task_sample_seed, make_task_batch
//   targets          task_targets (of any sequence)
//   settings         task_to_json, task_from_json
//   labels           task_token_label
//
// The draw order of each generator is part of the format: the dashboard of a saved session shows
// the same tokens as long as it does not change (selective_copy, delayed_recall and mqar with one
// query draw exactly as the version 1 generators did; tests/compute/session/test_tasks.cpp pins them).
#include "compute/session/tasks.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "compute/session/session_schema.h"
#include "core/types.h"

namespace seqscope::compute {
namespace {

std::string task_name(TaskKind kind) {
  return std::string(schema::enum_name(kind));
}

std::string num(int64_t value) {
  return std::to_string(value);
}

}  // namespace

// [SECTION] size checks

TaskSpec task_spec(const InputConfig& input) {
  return {input.task, input.vocab, input.length, input.num_tokens, input.num_queries, input.lag};
}

int task_query_count(const TaskSpec& spec) {
  return spec.num_queries == 0 ? spec.num_tokens : spec.num_queries;
}

std::string task_problem(const TaskSpec& spec, const TaskFieldNames& names) {
  const std::string task = task_name(spec.kind);
  const int length = spec.length;
  const int k = spec.num_tokens;
  const int symbols = spec.vocab - schema::kTaskFirstData;
  auto subject = [&](std::string_view name, int64_t value) {
    return std::string(name) + std::string(names.is) + num(value);
  };
  auto with = [&](std::string_view name, int64_t value) { return std::string(name) + " = " + num(value); };

  if (symbols < 1)
    return subject(names.vocab, spec.vocab) + " is too small for " + task + " (needs at least " +
           num(schema::kTaskFirstData + 1) + ": ids 0.." + num(schema::kTaskFirstData - 1) +
           " are reserved, data symbols start at " + num(schema::kTaskFirstData) + ")";
  if (length < 1) return subject(names.length, length) + " is out of range (at least 1)";
  const bool uses_k =
      spec.kind == TaskKind::Copy || spec.kind == TaskKind::SelectiveCopy || spec.kind == TaskKind::Mqar;
  if (uses_k && k < 1) return subject(names.num_tokens, k) + " is out of range for " + task + " (at least 1)";

  auto too_short = [&](int needed, const std::string& with_sizes, const std::string& layout) -> std::string {
    if (length >= needed) return "";
    return subject(names.length, length) + " is too short for " + task + with_sizes + " (needs at least " +
           num(needed) + ": " + layout + ")";
  };
  switch (spec.kind) {
    case TaskKind::Copy:
      return too_short(2 * k + 2, " with " + with(names.num_tokens, k), "$, K symbols, |, K copies");
    case TaskKind::SelectiveCopy:
      return too_short(2 * k, " with " + with(names.num_tokens, k), "K symbols among blanks, then K markers");
    case TaskKind::Induction:
      return too_short(3, "", "the trigger ?, its value, ? again at the end");
    case TaskKind::Mqar: {
      if (k > symbols)
        return subject(names.num_tokens, k) + " is too large for mqar with " + with(names.vocab, spec.vocab) +
               ": keys are distinct data symbols and there are " + num(symbols);
      if (spec.num_queries < 0 || spec.num_queries > k)
        return subject(names.num_queries, spec.num_queries) + " is out of range for mqar with " +
               with(names.num_tokens, k) + " (0.." + num(k) + ", 0 = all K keys)";
      const int q = task_query_count(spec);
      return too_short(2 * k + q, " with " + with(names.num_tokens, k) + " and " + num(q) + " queries",
                       "K key-value pairs, then the queries");
    }
    case TaskKind::DelayedRecall:
      if (spec.lag < 1 || spec.lag >= length)
        return subject(names.lag, spec.lag) + " is out of range for delayed_recall with " +
               with(names.length, length) + " (1.." + num(length - 1) + ")";
      return "";
  }
  return "unknown task " + num(static_cast<int>(spec.kind));
}

void check_task(const TaskSpec& spec) {
  if (std::string problem = task_problem(spec); !problem.empty()) throw UserError(problem);
}

// [SECTION] generators

namespace {

class SampleBuilder {
 public:
  explicit SampleBuilder(int length) {
    const auto size = static_cast<size_t>(length);
    sample_.tokens.assign(size, schema::kTaskBlank);
    sample_.targets.assign(size, -1);
    sample_.roles.assign(size, TokenRole::Noise);
  }
  void set(int t, int token, TokenRole role, int target = -1) {
    const auto i = static_cast<size_t>(t);
    sample_.tokens[i] = token;
    sample_.roles[i] = role;
    sample_.targets[i] = target;
  }
  int token(int t) const { return sample_.tokens[static_cast<size_t>(t)]; }
  TaskSample take() { return std::move(sample_); }

 private:
  TaskSample sample_;
};

int random_data(InputRng& rng, int vocab) {
  return schema::kTaskFirstData + rng.below(vocab - schema::kTaskFirstData);
}

// Partial Fisher-Yates: the first `count` entries of `items` become a uniform sample without
// repeats, in random order (one draw per entry).
void shuffle_prefix(std::vector<int>& items, int count, InputRng& rng) {
  const int size = static_cast<int>(items.size());
  for (int i = 0; i < count; ++i)
    std::swap(items[static_cast<size_t>(i)], items[static_cast<size_t>(i + rng.below(size - i))]);
}

// Jelassi et al. 2024 ("Repeat After Me"): $ x1..xK, blanks, |, then the copy x1..xK. Each step
// of the copy is predicted from the step before: the target at | is x1, at the copy of x_i it is
// x_(i+1); the last copied symbol has none. Steps with a target are Query.
TaskSample copy_task(const TaskSpec& spec, InputRng& rng) {
  const int k = spec.num_tokens;
  const int length = spec.length;
  SampleBuilder task(length);
  task.set(0, schema::kTaskStart, TokenRole::Marker);
  for (int i = 0; i < k; ++i) task.set(1 + i, random_data(rng, spec.vocab), TokenRole::Data);
  const int separator = length - k - 1;
  task.set(separator, schema::kTaskMarker, TokenRole::Query, task.token(1));
  for (int i = 0; i < k; ++i) {
    if (i + 1 < k)
      task.set(separator + 1 + i, task.token(1 + i), TokenRole::Query, task.token(2 + i));
    else
      task.set(separator + 1 + i, task.token(1 + i), TokenRole::Data);
  }
  return task.take();
}

// Mamba's selective copying (§4.1): K symbols at random positions among the first L-K steps
// (blanks elsewhere), then K markers whose targets are the symbols in order.
TaskSample selective_copy_task(const TaskSpec& spec, InputRng& rng) {
  const int k = spec.num_tokens;
  const int length = spec.length;
  const int span = length - k;
  SampleBuilder task(length);
  std::vector<int> positions(static_cast<size_t>(span));
  for (int i = 0; i < span; ++i) positions[static_cast<size_t>(i)] = i;
  shuffle_prefix(positions, k, rng);
  positions.resize(static_cast<size_t>(k));
  std::sort(positions.begin(), positions.end());
  for (int i = 0; i < k; ++i) {
    const int token = random_data(rng, spec.vocab);
    task.set(positions[static_cast<size_t>(i)], token, TokenRole::Data);
    task.set(span + i, schema::kTaskMarker, TokenRole::Marker, token);
  }
  return task.take();
}

// Induction heads (Mamba §4.1, after Olsson et al.): random symbols; the trigger ? at a random
// step p <= L-3 followed by the value v; ? again at the last step, whose target is v. The trigger
// is a reserved id, so it occurs exactly twice. K is not used.
TaskSample induction_task(const TaskSpec& spec, InputRng& rng) {
  const int length = spec.length;
  SampleBuilder task(length);
  const int trigger = rng.below(length - 2);
  const int value = random_data(rng, spec.vocab);
  for (int t = 0; t < length - 1; ++t) {
    if (t == trigger)
      task.set(t, schema::kTaskQuery, TokenRole::Marker);
    else if (t == trigger + 1)
      task.set(t, value, TokenRole::Data);
    else
      task.set(t, random_data(rng, spec.vocab), TokenRole::Noise);
  }
  task.set(length - 1, schema::kTaskQuery, TokenRole::Query, value);
  return task.take();
}

// Multi-query associative recall (Zoology): k1 v1 .. kK vK with distinct keys and random values,
// blanks, then Q distinct keys in random order at the last Q steps; each one's target is its
// value. With Q = 1 this is, draw for draw, version 1's "induction" (one final query).
TaskSample mqar_task(const TaskSpec& spec, InputRng& rng) {
  const int k = spec.num_tokens;
  const int length = spec.length;
  const int queries = task_query_count(spec);
  const int symbols = spec.vocab - schema::kTaskFirstData;
  SampleBuilder task(length);
  std::vector<int> keys(static_cast<size_t>(symbols));
  for (int i = 0; i < symbols; ++i) keys[static_cast<size_t>(i)] = schema::kTaskFirstData + i;
  shuffle_prefix(keys, k, rng);
  std::vector<int> values(static_cast<size_t>(k));
  for (int i = 0; i < k; ++i) {
    values[static_cast<size_t>(i)] = random_data(rng, spec.vocab);
    task.set(2 * i, keys[static_cast<size_t>(i)], TokenRole::Data);
    task.set(2 * i + 1, values[static_cast<size_t>(i)], TokenRole::Data);
  }
  std::vector<int> asked(static_cast<size_t>(k));
  for (int i = 0; i < k; ++i) asked[static_cast<size_t>(i)] = i;
  shuffle_prefix(asked, queries, rng);
  for (int j = 0; j < queries; ++j) {
    const auto pair = static_cast<size_t>(asked[static_cast<size_t>(j)]);
    task.set(length - queries + j, keys[pair], TokenRole::Query, values[pair]);
  }
  return task.take();
}

// Random symbols; the target at t >= lag is the symbol at t - lag. Steps with a target are Query
// (they are also data for later steps).
TaskSample delayed_recall_task(const TaskSpec& spec, InputRng& rng) {
  const int length = spec.length;
  SampleBuilder task(length);
  for (int t = 0; t < length; ++t) {
    const int token = random_data(rng, spec.vocab);
    if (t < spec.lag)
      task.set(t, token, TokenRole::Data);
    else
      task.set(t, token, TokenRole::Query, task.token(t - spec.lag));
  }
  return task.take();
}

}  // namespace

// [SECTION] samples

TaskSample make_task_sample(const TaskSpec& spec, InputRng& rng) {
  check_task(spec);
  switch (spec.kind) {
    case TaskKind::Copy:
      return copy_task(spec, rng);
    case TaskKind::SelectiveCopy:
      return selective_copy_task(spec, rng);
    case TaskKind::Induction:
      return induction_task(spec, rng);
    case TaskKind::Mqar:
      return mqar_task(spec, rng);
    case TaskKind::DelayedRecall:
      return delayed_recall_task(spec, rng);
  }
  throw UserError("unknown task " + num(static_cast<int>(spec.kind)));
}

TaskSample make_task_sample(const TaskSpec& spec, uint64_t seed) {
  InputRng rng(seed, InputStream::Task);
  return make_task_sample(spec, rng);
}

uint64_t task_sample_seed(uint64_t seed, uint64_t index) {
  // Two rounds of SplitMix64, so that neighbouring (seed, index) pairs give unrelated seeds.
  return splitmix64(splitmix64(seed ^ 0x5851F42D4C957F2Dull) + index);
}

TaskBatch make_task_batch(const TaskSpec& spec, uint64_t seed, uint64_t first, int count) {
  check_task(spec);
  if (count < 0) throw UserError("batch size " + num(count) + " is out of range (at least 0)");
  TaskBatch batch;
  batch.count = count;
  batch.length = spec.length;
  const size_t size = static_cast<size_t>(count) * static_cast<size_t>(spec.length);
  batch.tokens.reserve(size);
  batch.targets.reserve(size);
  for (int b = 0; b < count; ++b) {
    const TaskSample sample =
        make_task_sample(spec, task_sample_seed(seed, first + static_cast<uint64_t>(b)));
    batch.tokens.insert(batch.tokens.end(), sample.tokens.begin(), sample.tokens.end());
    batch.targets.insert(batch.targets.end(), sample.targets.begin(), sample.targets.end());
  }
  return batch;
}

// [SECTION] targets of any sequence

std::vector<int> task_targets(const TaskSpec& spec, std::span<const int> tokens) {
  const int length = static_cast<int>(tokens.size()), k = spec.num_tokens;
  std::vector<int> targets(tokens.size(), -1);
  const auto at = [&](int t) { return tokens[static_cast<size_t>(t)]; };
  const auto set = [&](int t, int target) {
    if (t >= 0 && t < length) targets[static_cast<size_t>(t)] = target;
  };
  switch (spec.kind) {
    case TaskKind::Copy: {
      const int separator = length - k - 1;
      if (separator < 1 + k) break;
      set(separator, at(1));
      for (int i = 0; i + 1 < k; ++i) set(separator + 1 + i, at(2 + i));
      break;
    }
    case TaskKind::SelectiveCopy: {
      const int span = length - k;
      std::vector<int> symbols;
      for (int t = 0; t < span; ++t)
        if (at(t) != schema::kTaskBlank) symbols.push_back(at(t));
      for (int i = 0; i < k && i < static_cast<int>(symbols.size()); ++i) set(span + i, symbols[static_cast<size_t>(i)]);
      break;
    }
    case TaskKind::Induction: {
      for (int t = 0; t + 2 < length; ++t)
        if (at(t) == schema::kTaskQuery) {
          set(length - 1, at(t + 1));
          break;
        }
      break;
    }
    case TaskKind::Mqar: {
      const int queries = task_query_count(spec);
      for (int q = length - queries; q < length; ++q)
        for (int i = 0; i < k && 2 * i + 1 < length - queries; ++i)
          if (at(2 * i) == at(q)) set(q, at(2 * i + 1));  // the last matching pair wins
      break;
    }
    case TaskKind::DelayedRecall:
      for (int t = spec.lag; t < length; ++t) set(t, at(t - spec.lag));
      break;
  }
  return targets;
}

// [SECTION] settings

nlohmann::json task_to_json(const TaskSpec& t) {
  return {{"task", std::string(schema::enum_name(t.kind))},
          {"vocab", t.vocab},
          {"length", t.length},
          {"num_tokens", t.num_tokens},
          {"num_queries", t.num_queries},
          {"lag", t.lag}};
}

std::optional<TaskSpec> task_from_json(const nlohmann::json& task, TaskSpec base) {
  if (!task.is_object() || !task.contains("task") || !task["task"].is_string()) return std::nullopt;
  const auto kind = schema::enum_from_name<TaskKind>(task["task"].get<std::string>());
  if (!kind) return std::nullopt;
  const auto size = [&](const char* key, int fallback) {
    return task.contains(key) && task[key].is_number_integer() ? task[key].get<int>() : fallback;
  };
  base.kind = *kind;
  base.vocab = size("vocab", base.vocab);
  base.length = size("length", base.length);
  base.num_tokens = size("num_tokens", base.num_tokens);
  base.num_queries = size("num_queries", base.num_queries);
  base.lag = size("lag", base.lag);
  return base;
}

// [SECTION] labels

std::string task_token_label(int token) {
  switch (token) {
    case schema::kTaskBlank:
      return "\u00b7";
    case schema::kTaskStart:
      return "$";
    case schema::kTaskMarker:
      return "|";
    case schema::kTaskQuery:
      return "?";
    default:
      break;
  }
  const int symbol = token - schema::kTaskFirstData;
  if (symbol < 26) return std::string(1, static_cast<char>('a' + symbol));
  if (symbol < 52) return std::string(1, static_cast<char>('A' + symbol - 26));
  return std::string("s") + std::to_string(symbol);
}

}  // namespace seqscope::compute
