// Token tasks: one generator per task, shared by the dashboard's task inputs (inputs.cpp) and by
// training, so that a trained model is shown on exactly the format it was trained on. A sample is
// the token ids [L], the target of every step (the token the model should output there, -1 where
// none: loss and accuracy count only the steps with a target) and a role per step for display.
// docs/session.md ("Tasks") shows each layout.
//
// Token ids 0..3 are reserved (blank '·', start '$', marker '|', query/trigger '?',
// session_schema.h); data symbols are 4 .. vocab-1. With K = num_tokens:
//   copy            $ x1..xK · · · | x1..xK      (Jelassi et al. 2024) targets: the next symbol of
//                                                the copy at '|' and x1..x(K-1): x1..xK
//   selective_copy  K symbols at random places among blanks, then K '|' (Mamba §4.1), targets on
//                   the markers: the symbols in order
//   induction       random symbols, '?' v somewhere, '?' at the end (Mamba's induction heads),
//                   target at the last step: v
//   mqar            k1 v1 .. kK vK · · · then Q of the keys in random order (Zoology's MQAR),
//                   target at each query: its value
//   delayed_recall  random symbols, target at t >= lag: the symbol at t - lag
//
// Deterministic: a sample depends only on the spec and the generator's state (or seed), never on
// threads. For batches, sample i of a run draws from task_sample_seed(seed, i), so any split of
// the samples over threads gives the same batch.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compute/session/input_rng.h"
#include "compute/session/session.h"

namespace seqscope::compute {

// Display role of a step (the tokens panel colours them). Tasks: Data (symbols to remember),
// Noise (blanks, distractors), Marker ($, |, the first induction trigger), Query (steps that have
// a target, except selective copy's markers).
enum class TokenRole { Text, Data, Noise, Marker, Query, Signal, Cell };

struct TaskSpec {
  TaskKind kind = TaskKind::SelectiveCopy;
  int vocab = 16;       // ids 0..3 reserved, data symbols 4 .. vocab-1
  int length = 256;     // L
  int num_tokens = 4;   // K: copy / selective_copy symbols, mqar key-value pairs
  int num_queries = 0;  // mqar: keys asked again at the end; 0 = all K
  int lag = 8;          // delayed_recall
};

struct TaskSample {
  std::vector<int> tokens;       // [L] token ids
  std::vector<int> targets;      // [L] expected output at t, -1 = no target
  std::vector<TokenRole> roles;  // [L]
};

// Flat batch of `count` samples: sample b is tokens[b*L .. b*L + L-1].
struct TaskBatch {
  int count = 0;
  int length = 0;
  std::vector<int> tokens;   // [B, L]
  std::vector<int> targets;  // [B, L], -1 = no target
};

// The task part of a session's input section.
TaskSpec task_spec(const InputConfig& input);

// How task_problem names the sizes: the training command's words by default, the session's key
// paths for sessions (session_json.cpp).
struct TaskFieldNames {
  std::string_view length = "length";
  std::string_view num_tokens = "K";
  std::string_view vocab = "vocab";
  std::string_view num_queries = "queries";
  std::string_view lag = "lag";
  std::string_view is = " ";  // between a name and its value when it is the subject: "length 12"
};

// "" when the sizes fit the task; otherwise one line naming the problem, e.g.
// "length 12 is too short for copy with K = 8 (needs at least 18: $, K symbols, |, K copies)".
std::string task_problem(const TaskSpec& spec, const TaskFieldNames& names = {});
// Throws UserError(task_problem(spec)) when the sizes do not fit.
void check_task(const TaskSpec& spec);

// The mqar query count that spec means (num_queries, or K when it is 0).
int task_query_count(const TaskSpec& spec);

// One sample; the spec must pass check_task (it is checked: UserError otherwise).
TaskSample make_task_sample(const TaskSpec& spec, InputRng& rng);
// The same from a seed: exactly the dashboard's task input of a session with that seed.
TaskSample make_task_sample(const TaskSpec& spec, uint64_t seed);

// The targets of any token sequence of the task's layout, by the generators' rules: what a
// counterfactual edit of a sample changes (the dashboard's token edits). [L] with -1 where none;
// for every generated sample it equals the sample's own targets.
//   copy            at | and the copies of x1..x(K-1): the next symbol of the source x1..xK
//   selective_copy  at the i-th of the K final steps: the i-th non-blank token before them
//   induction       at the last step: the token after the first '?', when there is one
//   mqar            at each of the last Q steps: the value of the last pair (2i, 2i+1), i < K,
//                   whose key is that step's token
//   delayed_recall  at t >= lag: the token at t - lag
std::vector<int> task_targets(const TaskSpec& spec, std::span<const int> tokens);

// The seed of sample `index` of a stream of samples (training batches, evaluation sets).
uint64_t task_sample_seed(uint64_t seed, uint64_t index);
// Samples first .. first+count-1 of the stream of `seed`, each from task_sample_seed.
TaskBatch make_task_batch(const TaskSpec& spec, uint64_t seed, uint64_t first, int count);

// How a model folder's settings spell its task (docs/training.md, "The folder"):
// {"task": "copy", "vocab": 16, "length": 40, "num_tokens": 16, "num_queries": 0, "lag": 8}.
nlohmann::json task_to_json(const TaskSpec& spec);
// The reverse, from settings["task"] of a folder: nullopt when there is none (a folder not made
// by seqscope train) or its task name is unknown; missing sizes keep `base`'s. Not checked:
// call task_problem on the result.
std::optional<TaskSpec> task_from_json(const nlohmann::json& task, TaskSpec base = {});

// The label the token strip shows: '·', '$', '|', '?', then a..z, A..Z, s52, s53, ...
std::string task_token_label(int token);

}  // namespace seqscope::compute
