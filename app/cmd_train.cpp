// `seqscope train` and `seqscope eval` (cmd_train.h, docs/cli.md).
//
//   options         the two subcommands' flags
//   settings        TrainOptions -> ModelConfig + TrainSettings; the folder's "settings" object
//   progress        a bar updated in place on a TTY, else one line per evaluation
//   interrupt       Ctrl-C sets a flag that should_stop polls; a second Ctrl-C exits at once
//   run_train       check everything, train, save folder + logs whatever the outcome
//   run_eval        load a folder, evaluate per length, print a table (and JSON)
//
// Every mistake is found before the first step (the task's sizes, the pattern, the folder), so
// a bad command costs nothing and leaves nothing behind.
#include "app/cmd_train.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "compute/checkpoint/seqscope_folder.h"
#include "compute/model/config.h"
#include "compute/model/folder.h"
#include "compute/session/session_schema.h"
#include "compute/session/tasks.h"
#include "compute/train/trained_folder.h"
#include "compute/train/trainer.h"
#include "core/atomic_file.h"
#include "core/types.h"

namespace seqscope::app {

namespace fs = std::filesystem;
using compute::TaskKind;
using compute::TaskSpec;
using compute::UserError;
using compute::model::ModelConfig;
using compute::model::Parameters;
using compute::train::EvalRecord;
using compute::train::TrainResult;
using compute::train::TrainSettings;
using compute::train::TrainStatus;

// ---- options ---------------------------------------------------------------------------------

CLI::App* add_train_command(CLI::App& cli, TrainOptions& o) {
  CLI::App* c = cli.add_subcommand("train", "Train a small model on a token task into a model folder");
  c->add_option("--task", o.task, "copy, selective_copy, induction, mqar or delayed_recall")
      ->capture_default_str();
  c->add_option("--pattern", o.pattern,
                "One character per layer: M Mamba, S time-invariant SSM, * attention, - MLP")
      ->capture_default_str();
  c->add_option("--out", o.out, "The model folder to write (config.json, model.safetensors, logs)")
      ->required();
  c->add_option("--d-model", o.d_model, "Model width")->capture_default_str();
  c->add_option("--state", o.state, "SSM state size N")->capture_default_str();
  c->add_option("--heads", o.heads, "Attention heads")->capture_default_str();
  c->add_option("--rope-theta", o.rope_theta, "RoPE base (0: no positions)")->capture_default_str();
  c->add_option("--vocab", o.vocab, "Vocabulary of the task and the model (ids 0..3 reserved)")
      ->capture_default_str();
  c->add_option("--length", o.length, "Training sequence length L")->capture_default_str();
  c->add_option("--tokens", o.tokens, "K: symbols to copy, key-value pairs")->capture_default_str();
  c->add_option("--queries", o.queries, "mqar: keys asked again at the end (0: all K)")->capture_default_str();
  c->add_option("--lag", o.lag, "delayed_recall: how far back the target is")->capture_default_str();
  c->add_option("--steps", o.steps, "Optimizer steps (0: save the initialised model)")->capture_default_str();
  c->add_option("--batch", o.batch, "Sequences per step")->capture_default_str();
  c->add_option("--lr", o.lr, "Peak learning rate")->capture_default_str();
  c->add_option("--warmup", o.warmup, "Linear warmup steps")->capture_default_str();
  c->add_option("--weight-decay", o.weight_decay, "AdamW's decoupled weight decay")->capture_default_str();
  c->add_option("--seed", o.seed, "Seed of the init, the batches and the evaluation set")
      ->capture_default_str();
  c->add_option("--eval-every", o.eval_every, "Evaluate every N steps (0: only at the end)")
      ->capture_default_str();
  c->add_option("--eval-lengths", o.eval_lengths,
                "Evaluation lengths L1,L2,... (default: the training length)")
      ->delimiter(',');
  c->add_option("--eval-samples", o.eval_samples, "Samples per evaluation length (0: no evaluation)")
      ->capture_default_str();
  c->add_option("--log-every", o.log_every, "Keep every Nth step (and the last) in train_log.jsonl")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--json", o.json, "Also write the step log (train_log.jsonl) to this file");
  return c;
}

CLI::App* add_eval_command(CLI::App& cli, EvalOptions& o) {
  CLI::App* c = cli.add_subcommand("eval", "Accuracy of a model folder against sequence length");
  c->add_option("--model", o.model, "The model folder (made by seqscope train)")->required();
  c->add_option("--task", o.task, "The task (default: the one the model was trained on)");
  c->add_option("--lengths", o.lengths, "Lengths L1,L2,... (default: the training's evaluation lengths)")
      ->delimiter(',');
  c->add_option("--tokens", o.tokens,
                 "Tokens K of the task (copy: to copy; selective copy: letters; mqar: pair); default: the trained task's")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--samples", o.samples, "Samples per length")->capture_default_str();
  c->add_option("--seed", o.seed, "Seed of the evaluation set (default: the training seed)");
  c->add_option("--json", o.json, "Also write the results as JSON to this file");
  return c;
}

namespace {

// ---- settings --------------------------------------------------------------------------------

TaskKind task_kind(const std::string& name) {
  if (const auto kind = compute::schema::enum_from_name<TaskKind>(name)) return *kind;
  throw UserError("unknown task '" + name + "' (copy, selective_copy, induction, mqar, delayed_recall)");
}

std::string task_name(TaskKind kind) {
  return std::string(compute::schema::enum_name(kind));
}

// ---- progress --------------------------------------------------------------------------------

std::string duration_text(double s) {
  char buf[32];
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%.0fs", s);
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  else
    std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s) / 3600, static_cast<int>(s) / 60 % 60);
  return buf;
}

std::string eval_text(const EvalRecord& r) {
  std::string text;
  for (const auto& p : r.points) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%sL=%d acc %.1f%% seq %.1f%%", text.empty() ? "" : ", ", p.length,
                  100 * p.accuracy, 100 * p.sequence_accuracy);
    text += buf;
  }
  return text;
}

class Progress {
 public:
  explicit Progress(int64_t total) : total_(total), tty_(::isatty(STDERR_FILENO) == 1) {}

  void step(const compute::train::StepRecord& r) {
    last_ = r;
    if (!tty_) return;
    const auto now = std::chrono::steady_clock::now();
    if (r.step != total_ && now - drawn_ < std::chrono::milliseconds(100)) return;
    drawn_ = now;
    draw();
  }

  void eval(const EvalRecord& r) {
    clear();
    if (r.step == 0)
      std::printf("step 0/%lld  (initialised)  | eval %s\n", static_cast<long long>(total_),
                  eval_text(r).c_str());
    else
      std::printf("step %lld/%lld  loss %.4f  acc %.1f%%  | eval %s\n", static_cast<long long>(r.step),
                  static_cast<long long>(total_), last_.loss, 100 * last_.accuracy, eval_text(r).c_str());
    std::fflush(stdout);
    if (tty_ && r.step < total_) draw();
  }

  // Leaves the terminal on a fresh line.
  void clear() {
    if (tty_ && shown_) std::fputs("\r\x1b[K", stderr);
    shown_ = false;
  }

 private:
  void draw() {
    constexpr int kWidth = 20;
    const int filled = total_ > 0 ? static_cast<int>(kWidth * last_.step / total_) : kWidth;
    const double eta = last_.step > 0 ? last_.elapsed_s / static_cast<double>(last_.step) *
                                            static_cast<double>(total_ - last_.step)
                                      : 0.0;
    std::fprintf(stderr, "\r\x1b[K%lld/%lld [%s%s] loss %.4f acc %.1f%% %.0f tok/s ETA %s",
                 static_cast<long long>(last_.step), static_cast<long long>(total_),
                 std::string(static_cast<size_t>(filled), '#').c_str(),
                 std::string(static_cast<size_t>(kWidth - filled), '.').c_str(), last_.loss,
                 100 * last_.accuracy, last_.tokens_per_s, duration_text(eta).c_str());
    std::fflush(stderr);
    shown_ = true;
  }

  int64_t total_;
  bool tty_;
  bool shown_ = false;
  compute::train::StepRecord last_;
  std::chrono::steady_clock::time_point drawn_{};
};

// ---- interrupt -------------------------------------------------------------------------------

std::atomic<int> g_interrupts{0};

void on_sigint(int) {
  if (g_interrupts.fetch_add(1) >= 1) ::_exit(130);  // the second Ctrl-C: out now
}

// Installs the handler for the lifetime of the object, then puts the old one back.
class SigintGuard {
 public:
  SigintGuard() {
    struct sigaction action {};
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &old_);
  }
  ~SigintGuard() { ::sigaction(SIGINT, &old_, nullptr); }
  SigintGuard(const SigintGuard&) = delete;
  SigintGuard& operator=(const SigintGuard&) = delete;

 private:
  struct sigaction old_ {};
};

}  // namespace

// ---- run_train -------------------------------------------------------------------------------

int run_train(const TrainOptions& o) {
  TrainSettings s;
  s.task.kind = task_kind(o.task);
  s.task.vocab = o.vocab;
  s.task.length = o.length;
  s.task.num_tokens = o.tokens;
  s.task.num_queries = o.queries;
  s.task.lag = o.lag;
  s.steps = o.steps;
  s.batch = o.batch;
  s.lr = o.lr;
  s.warmup = o.warmup;
  s.weight_decay = o.weight_decay;
  s.seed = o.seed;
  s.eval_every = o.eval_every;
  s.eval_lengths = o.eval_lengths;
  s.eval_samples = o.eval_samples;
  s.log_every = o.log_every;

  ModelConfig config;
  config.pattern = o.pattern;
  config.vocab_size = o.vocab;
  config.d_model = o.d_model;
  config.d_state = o.state;
  config.n_heads = o.heads;
  config.rope_theta = o.rope_theta;
  compute::model::resolve_defaults(config);
  compute::model::validate_config(config);
  compute::train::check_settings(config, s);
  const fs::path out = o.out;
  compute::train::check_out_folder(out);
  // Both written files must be writable before the run, not after it.
  if (!o.json.empty()) compute::write_file_atomic(o.json, "");

  Progress progress(s.steps);
  g_interrupts = 0;
  TrainResult result;
  {
    const SigintGuard guard;
    compute::train::TrainCallbacks callbacks;
    callbacks.on_step = [&](const compute::train::StepRecord& r, const Parameters<float>&) {
      progress.step(r);
    };
    callbacks.on_eval = [&](const EvalRecord& r) { progress.eval(r); };
    callbacks.should_stop = [] { return g_interrupts.load() > 0; };
    result = compute::train::train(config, s, callbacks);
    progress.clear();
  }

  // Save what there is, whatever the outcome: the weights of the last good step and the logs.
  compute::train::save_trained_folder(out, s, result);
  if (!o.json.empty()) compute::write_file_atomic(o.json, compute::train::log_text(result.log, s.log_every));

  switch (result.status) {
    case TrainStatus::Finished:
      std::printf("saved %s: %lld steps%s%s\n", out.string().c_str(),
                  static_cast<long long>(result.steps_done), result.evals.empty() ? "" : ", ",
                  result.evals.empty() ? "" : eval_text(result.evals.back()).c_str());
      return 0;
    case TrainStatus::Stopped:
      std::printf("interrupted: saved %s after %lld of %lld steps\n", out.string().c_str(),
                  static_cast<long long>(result.steps_done), static_cast<long long>(s.steps));
      return 130;
    case TrainStatus::Failed:
      break;
  }
  std::fprintf(stderr, "seqscope: %s (saved the last good step, %lld, to %s)\n", result.error.c_str(),
               static_cast<long long>(result.steps_done), out.string().c_str());
  return 2;
}

// ---- run_eval --------------------------------------------------------------------------------

int run_eval(const EvalOptions& o) {
  const fs::path dir = o.model;
  const Parameters<float> params = compute::checkpoint::load_model_folder(dir);
  const nlohmann::json& settings = params.config.settings;
  const std::string label = (dir / "config.json").string();

  TaskSpec base;
  base.vocab = params.config.vocab_size;
  const std::optional<TaskSpec> trained_task = compute::train::trained_task(params);
  if (o.task.empty() && !trained_task)
    throw UserError(label + ": the settings name no task (not made by seqscope train); pass --task");
  const std::string name = o.task.empty() ? task_name(trained_task->kind) : o.task;
  // The trained task's sizes, when it is the same task.
  TaskSpec task = trained_task && task_name(trained_task->kind) == name ? *trained_task : base;
  task.kind = task_kind(name);
  if (o.tokens > 0) task.num_tokens = o.tokens;
  const nlohmann::json how = settings.value("train", nlohmann::json::object());
  std::vector<int> lengths = o.lengths;
  if (lengths.empty()) lengths = how.value("eval_lengths", std::vector<int>{task.length});
  const uint64_t seed = o.seed ? *o.seed : compute::train::trained_seed(params);
  if (o.samples < 1) throw UserError("--samples " + std::to_string(o.samples) + " must be at least 1");
  if (task.vocab > params.config.vocab_size)
    throw UserError("the task's vocab " + std::to_string(task.vocab) + " is larger than the model's " +
                    std::to_string(params.config.vocab_size));
  for (const int length : lengths) {
    TaskSpec at = task;
    at.length = length;
    if (const std::string problem = compute::task_problem(at); !problem.empty()) throw UserError(problem);
  }
  if (!o.json.empty()) compute::write_file_atomic(o.json, "");  // writable, before the work

  // The training's evaluation set by default, so that the numbers reproduce its eval.json.
  const EvalRecord record =
      compute::train::evaluate(params, task, lengths, o.samples, compute::train::train_eval_seed(seed));
  std::printf("%s: %s on %s\n", dir.string().c_str(), params.config.pattern.c_str(), name.c_str());
  std::printf("%8s %8s %9s %9s %8s\n", "length", "samples", "accuracy", "sequence", "loss");
  for (const auto& p : record.points)
    std::printf("%8d %8d %8.2f%% %8.2f%% %8.4f\n", p.length, p.samples, 100 * p.accuracy,
                100 * p.sequence_accuracy, p.loss);
  if (!o.json.empty()) {
    nlohmann::json j = compute::train::to_json(record);
    j["step"] = settings.value("steps_done", int64_t{0});
    j["model"] = dir.string();
    j["task"] = compute::task_to_json(task);
    j["seed"] = seed;
    compute::write_file_atomic(o.json, j.dump(2) + "\n");
  }
  return 0;
}

}  // namespace seqscope::app
