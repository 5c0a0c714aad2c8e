// The training loop of issue 17 as a library (the command line sits above it), and evaluation.
// docs/training.md, "Training".
//
//   TrainSettings     the task, the step budget, the optimizer's numbers, evaluation
//   TrainCallbacks    on_step / on_eval hooks and should_stop (polled before every step)
//   train             init (or given) parameters -> steps of AdamW on task batches -> TrainResult
//   evaluate          token and whole-sequence accuracy, and loss, per sequence length
//   decays            the weight-decay rule by safetensors name
//   to_json           the records the CLI writes (train_log.jsonl lines, eval.json)
//
// Determinism: the batches come from the seed alone (one sample stream, sample i from
// task_sample_seed), and each sequence's gradient goes into a fixed slot (sequence b into slot
// b mod kGradSlots) whatever the number of threads; the slots are summed in slot order. So the
// same seed gives bit-identical parameters for any thread count.
#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "compute/model/params.h"
#include "compute/session/tasks.h"

namespace seqscope::compute::train {

using model::ModelConfig;
using model::Parameters;

// Gradient buffers per step: min(batch, kGradSlots). A fixed number, so that the order of the
// floating-point sums does not depend on the threads.
inline constexpr int kGradSlots = 16;

struct TrainSettings {
  TaskSpec task;                  // default: selective_copy, vocab 16, L 256, K 4
  int64_t steps = 2000;           // 0: no step (the initialised model, evaluated)
  int batch = 32;                 // sequences per step
  double lr = 1e-3;               // peak learning rate
  int64_t warmup = 100;           // linear warmup steps, then cosine decay to 0.1 lr
  double weight_decay = 0.1;      // AdamW's decoupled decay, on the tensors where decays(name)
  uint64_t seed = 0;              // init, batches and the evaluation set
  double grad_clip = 1.0;         // clip the global gradient norm to this; 0 = no clipping
  int64_t eval_every = 500;       // evaluate every N steps; 0 = only at the end
  std::vector<int> eval_lengths;  // empty = the training length
  int eval_samples = 512;         // per length; 0 = no evaluation at all
  int64_t log_every = 1;          // train_log.jsonl keeps every Nth step (and the last); >= 1
  int threads = 0;                // workers; 0 = worker_count(). The results do not depend on it
};

// One line of train_log.jsonl. step counts the finished steps (1 after the first).
struct StepRecord {
  int64_t step = 0;
  double loss = 0.0;          // mean cross-entropy over the batch's targeted positions
  double accuracy = 0.0;      // of those positions, the argmax is the target
  double lr = 0.0;            // the learning rate the step used
  double grad_norm = 0.0;     // the global gradient norm before clipping
  double tokens_per_s = 0.0;  // all tokens of the batches so far / training time so far
  double elapsed_s = 0.0;     // since train() started, evaluations included
};

// One sequence length of an evaluation.
struct EvalPoint {
  int length = 0;
  int samples = 0;
  int64_t targets = 0;             // targeted positions over all samples
  double loss = 0.0;               // mean over the targeted positions
  double accuracy = 0.0;           // token accuracy over the targeted positions
  double sequence_accuracy = 0.0;  // samples whose every target is right
};

struct EvalRecord {
  int64_t step = 0;  // finished steps when it ran
  std::vector<EvalPoint> points;
};

struct TrainCallbacks {
  // After every step, with the parameters that step produced.
  std::function<void(const StepRecord&, const Parameters<float>&)> on_step;
  std::function<void(const EvalRecord&)> on_eval;
  // Polled before every step and before an evaluation; true ends the run with what it has.
  std::function<bool()> should_stop;
};

enum class TrainStatus {
  Finished,  // every step ran (and the final evaluation)
  Stopped,   // should_stop said so
  Failed,    // a non-finite loss, gradient or update: see error
};

struct TrainResult {
  Parameters<float> params;  // after the last finished step (never the failed step's)
  int64_t steps_done = 0;
  TrainStatus status = TrainStatus::Finished;
  std::string error;  // Failed: one line, "step N: ... <tensor name> ..."
  std::vector<StepRecord> log;
  std::vector<EvalRecord> evals;
};

// Throws UserError with one line when the settings cannot run with this model: the task's
// sizes (check_task), a task vocabulary larger than the model's, a batch < 1, steps < 0, a
// negative lr / warmup / weight decay / clip, eval lengths that do not fit the task.
void check_settings(const ModelConfig& config, const TrainSettings& settings);

// Initialises the parameters from settings.seed (init_parameters) and trains them.
TrainResult train(const ModelConfig& config, const TrainSettings& settings,
                  const TrainCallbacks& callbacks = {});
// Trains the given parameters (a model read back from a folder, or a test's hand-made one).
TrainResult train(Parameters<float> params, const TrainSettings& settings,
                  const TrainCallbacks& callbacks = {});

// The loss of one batch and grads = d(mean loss over ALL the batch's targeted positions) /
// d params (overwritten; shaped like params), computed as train() does: fixed slots, summed
// in order, the same bits for any thread count. accuracy counts the same positions.
struct BatchLoss {
  double loss = 0.0;
  double accuracy = 0.0;
  int64_t targets = 0;
};
BatchLoss batch_loss_and_gradients(const Parameters<float>& params, const TaskBatch& batch,
                                   Parameters<float>& grads, int threads = 0);

// Per length: samples 0 .. samples-1 of the stream of `seed` (make_task_batch) of the task at
// that length, the model's argmax at each targeted position. threads: 0 = worker_count().
EvalRecord evaluate(const Parameters<float>& params, const TaskSpec& task, std::span<const int> lengths,
                    int samples, uint64_t seed, int threads = 0);

// False for the tensors AdamW must not decay: the norms (norm.weight, norm_f.weight), biases
// (*.bias), and the SSM's A_log, D and log_dt. True for the rest (projections, the embedding,
// conv1d.weight, S's B and C).
bool decays(const std::string& tensor_name);

// The seeds train() derives from settings.seed: the training batches' sample stream and the
// evaluation set's (the same set at every evaluation of a run).
uint64_t train_batch_seed(uint64_t seed);
uint64_t train_eval_seed(uint64_t seed);

// train_log.jsonl: {"step", "loss", "accuracy", "lr", "grad_norm", "tokens_per_s", "elapsed_s"}.
nlohmann::json to_json(const StepRecord& record);
// eval.json: {"step", "lengths": [{"length", "samples", "targets", "loss", "accuracy",
// "sequence_accuracy"}, ...]}.
nlohmann::json to_json(const EvalRecord& record);

}  // namespace seqscope::compute::train
