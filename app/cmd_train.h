// `seqscope train` and `seqscope eval` (issue 17, docs/cli.md): train a small model on a token
// task into a model folder, and measure a folder's accuracy against sequence length. Both sit on
// the training library (compute/train/trainer.h) and the model folder (compute/model/folder.h).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace seqscope::app {

struct TrainOptions {
  std::string task = "selective_copy";
  std::string pattern = "MM";
  std::string out;  // --out DIR (required)
  int d_model = 64;
  int state = 16;  // d_state
  int heads = 4;
  double rope_theta = 10000.0;
  int vocab = 16;
  int length = 256;
  int tokens = 4;   // K
  int queries = 0;  // mqar: keys asked again; 0 = all K
  int lag = 8;      // delayed_recall
  int64_t steps = 2000;
  int batch = 32;
  double lr = 1e-3;
  int64_t warmup = 100;
  double weight_decay = 0.1;
  uint64_t seed = 0;
  int64_t eval_every = 500;
  std::vector<int> eval_lengths;  // empty = the training length
  int eval_samples = 512;         // per length
  int64_t log_every = 1;          // --log-every N: train_log.jsonl keeps every Nth step
  std::string json;               // --json LOG.jsonl: a copy of train_log.jsonl
};

struct EvalOptions {
  std::string model;         // --model DIR (required)
  std::string task;          // empty = the task of the folder's settings
  std::vector<int> lengths;  // empty = the lengths the training evaluated
  int tokens = 0;            // --tokens K: the task's num_tokens (0 = the trained task's)
  int samples = 512;
  std::optional<uint64_t> seed;  // empty = the training seed
  std::string json;              // --json OUT
};

// Add the subcommands to cli; return them so the caller can test parsed().
CLI::App* add_train_command(CLI::App& cli, TrainOptions& options);
CLI::App* add_eval_command(CLI::App& cli, EvalOptions& options);

// Exit codes: 0 done, 2 a user mistake or a non-finite training step (one line on stderr; the
// last good parameters are saved), 130 interrupted (Ctrl-C; what was done is saved).
int run_train(const TrainOptions& options);
int run_eval(const EvalOptions& options);

}  // namespace seqscope::app
