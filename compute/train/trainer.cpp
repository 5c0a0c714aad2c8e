// The training loop and evaluation (trainer.h). Sections:
//   1 settings, seeds, the decay rule, JSON
//   2 evaluation
//   3 one step's gradient: sequences in fixed slots, slots summed in order
//   4 what went non-finite (the one-line error)
//   5 train
#include "compute/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <sstream>

#include "compute/model/model.h"
#include "compute/train/optimizer.h"
#include "core/allocator.h"
#include "core/parallel.h"
#include "core/param_rng.h"
#include "core/types.h"

namespace seqscope::compute::train {

using model::CrossEntropyResult;
using model::TensorSpec;

// ---- 1 settings, seeds, the decay rule, JSON ----

namespace {

std::string format_number(double v) {
  if (std::isnan(v)) return "nan";  // not "-nan"
  std::ostringstream out;
  out << v;
  return out.str();
}

int thread_count(int threads) {
  return threads > 0 ? threads : worker_count();
}

int64_t count_targets(std::span<const int> targets) {
  return std::count_if(targets.begin(), targets.end(), [](int t) { return t >= 0; });
}

}  // namespace

void check_settings(const ModelConfig& config, const TrainSettings& s) {
  check_task(s.task);
  if (s.task.vocab > config.vocab_size)
    throw UserError("the task's vocab " + std::to_string(s.task.vocab) +
                    " is larger than the model's vocab_size " + std::to_string(config.vocab_size));
  if (s.steps < 0) throw UserError("steps must be >= 0 (got " + std::to_string(s.steps) + ")");
  if (s.batch < 1) throw UserError("batch must be >= 1 (got " + std::to_string(s.batch) + ")");
  if (!(s.lr >= 0.0) || !std::isfinite(s.lr))
    throw UserError("lr must be a finite number >= 0 (got " + format_number(s.lr) + ")");
  if (s.warmup < 0) throw UserError("warmup must be >= 0 (got " + std::to_string(s.warmup) + ")");
  if (!(s.weight_decay >= 0.0))
    throw UserError("weight decay must be >= 0 (got " + format_number(s.weight_decay) + ")");
  if (!(s.grad_clip >= 0.0))
    throw UserError("grad clip must be >= 0 (got " + format_number(s.grad_clip) + ")");
  if (s.eval_every < 0) throw UserError("eval every must be >= 0 (got " + std::to_string(s.eval_every) + ")");
  if (s.log_every < 1) throw UserError("log every must be >= 1 (got " + std::to_string(s.log_every) + ")");
  if (s.eval_samples < 0)
    throw UserError("eval samples must be >= 0 (got " + std::to_string(s.eval_samples) + ")");
  for (int length : s.eval_lengths) {
    TaskSpec spec = s.task;
    spec.length = length;
    if (std::string problem = task_problem(spec); !problem.empty()) throw UserError("eval " + problem);
  }
}

uint64_t train_batch_seed(uint64_t seed) {
  return ParamRng(seed, "train.batches").next();
}
uint64_t train_eval_seed(uint64_t seed) {
  return ParamRng(seed, "train.eval").next();
}

bool decays(const std::string& name) {
  const size_t dot = name.rfind('.');
  const std::string last = dot == std::string::npos ? name : name.substr(dot + 1);
  if (last == "bias" || last == "A_log" || last == "D" || last == "log_dt") return false;
  if (last == "weight" && dot != std::string::npos) {
    const size_t before = name.rfind('.', dot - 1);
    const std::string owner = name.substr(before == std::string::npos ? 0 : before + 1,
                                          dot - (before == std::string::npos ? 0 : before + 1));
    if (owner == "norm" || owner == "norm_f") return false;
  }
  return true;
}

nlohmann::json to_json(const StepRecord& r) {
  return {{"step", r.step},           {"loss", r.loss},
          {"accuracy", r.accuracy},   {"lr", r.lr},
          {"grad_norm", r.grad_norm}, {"tokens_per_s", r.tokens_per_s},
          {"elapsed_s", r.elapsed_s}};
}

nlohmann::json to_json(const EvalRecord& r) {
  nlohmann::json lengths = nlohmann::json::array();
  for (const EvalPoint& p : r.points)
    lengths.push_back({{"length", p.length},
                       {"samples", p.samples},
                       {"targets", p.targets},
                       {"loss", p.loss},
                       {"accuracy", p.accuracy},
                       {"sequence_accuracy", p.sequence_accuracy}});
  return {{"step", r.step}, {"lengths", lengths}};
}

// ---- 2 evaluation ----

EvalRecord evaluate(const Parameters<float>& params, const TaskSpec& task, std::span<const int> lengths,
                    int samples, uint64_t seed, int threads) {
  EvalRecord record;
  for (int length : lengths) {
    TaskSpec spec = task;
    spec.length = length;
    check_task(spec);
    EvalPoint point;
    point.length = length;
    point.samples = samples;
    if (samples <= 0) {
      record.points.push_back(point);
      continue;
    }
    const TaskBatch batch = make_task_batch(spec, seed, 0, samples);
    // One result per sample, filled by whichever worker, summed in sample order below.
    std::vector<CrossEntropyResult> results(static_cast<size_t>(samples));
    const int64_t workers = std::min<int64_t>(thread_count(threads), samples);
    run_workers(workers, [&](int64_t w) {
      for (int64_t i = w; i < samples; i += workers) {
        const std::span<const int> tokens(batch.tokens.data() + i * length, static_cast<size_t>(length));
        const std::span<const int> targets(batch.targets.data() + i * length, static_cast<size_t>(length));
        results[static_cast<size_t>(i)] = model::model_loss(params, tokens, targets);
      }
    });
    double loss_sum = 0.0;
    int64_t correct = 0, whole = 0;
    for (const CrossEntropyResult& r : results) {
      loss_sum += r.loss * r.count;
      point.targets += r.count;
      correct += r.correct;
      whole += r.correct == r.count ? 1 : 0;
    }
    if (point.targets > 0) {
      point.loss = loss_sum / static_cast<double>(point.targets);
      point.accuracy = static_cast<double>(correct) / static_cast<double>(point.targets);
    }
    point.sequence_accuracy = static_cast<double>(whole) / samples;
    record.points.push_back(point);
  }
  return record;
}

// ---- 3 one step's gradient ----

namespace {

// The tensors of a Parameters as spans, in parameter_specs' order.
std::vector<std::span<float>> tensor_spans(Parameters<float>& p) {
  std::vector<std::span<float>> spans;
  for_each_tensor(p, [&](const TensorSpec& spec, float* data) {
    spans.emplace_back(data, static_cast<size_t>(spec.count()));
  });
  return spans;
}

// grads = d(mean loss over the batch's targeted positions) / d params. Sequence b goes into
// slot b mod S (S = slots.size()), in increasing b; worker w fills slots w, w + W, ...; then
// slot 0 += slot 1, += slot 2, ... element by element. Every sum has the same order for any W.
BatchLoss batch_gradients(const Parameters<float>& params, const TaskBatch& batch,
                          std::vector<Parameters<float>>& slots,
                          std::vector<std::vector<std::span<float>>>& slot_spans, int threads) {
  const int B = batch.count, L = batch.length;
  const int64_t total = count_targets(batch.targets);
  const int S = static_cast<int>(slots.size());
  std::vector<CrossEntropyResult> results(static_cast<size_t>(B));
  const int64_t workers = std::min<int64_t>(thread_count(threads), S);
  run_workers(workers, [&](int64_t w) {
    for (int64_t s = w; s < S; s += workers) {
      for (std::span<float> t : slot_spans[static_cast<size_t>(s)]) std::fill(t.begin(), t.end(), 0.0f);
      for (int64_t b = s; b < B; b += S) {
        const std::span<const int> tokens(batch.tokens.data() + b * L, static_cast<size_t>(L));
        const std::span<const int> targets(batch.targets.data() + b * L, static_cast<size_t>(L));
        // The sequence's share of the batch mean: its own mean loss weighs count_b / total.
        const float dloss =
            total > 0 ? static_cast<float>(static_cast<double>(count_targets(targets)) / total) : 0.0f;
        results[static_cast<size_t>(b)] =
            model::loss_and_gradients(params, tokens, targets, slots[static_cast<size_t>(s)], dloss);
      }
    }
  });
  std::vector<std::span<float>>& sum = slot_spans[0];
  for (int s = 1; s < S; ++s) {
    const std::vector<std::span<float>>& add = slot_spans[static_cast<size_t>(s)];
    for (size_t k = 0; k < sum.size(); ++k)
      for (size_t i = 0; i < sum[k].size(); ++i) sum[k][i] += add[k][i];
  }
  BatchLoss out;
  out.targets = total;
  double loss_sum = 0.0;
  int64_t correct = 0;
  for (const CrossEntropyResult& r : results) {
    loss_sum += r.loss * r.count;
    correct += r.correct;
  }
  if (total > 0) {
    out.loss = loss_sum / static_cast<double>(total);
    out.accuracy = static_cast<double>(correct) / static_cast<double>(total);
  }
  return out;
}

}  // namespace

BatchLoss batch_loss_and_gradients(const Parameters<float>& params, const TaskBatch& batch,
                                   Parameters<float>& grads, int threads) {
  std::vector<Parameters<float>> slots(static_cast<size_t>(std::clamp(batch.count, 1, kGradSlots)),
                                       model::zeros_like(params));
  std::vector<std::vector<std::span<float>>> slot_spans;
  for (Parameters<float>& slot : slots) slot_spans.push_back(tensor_spans(slot));
  const BatchLoss result = batch_gradients(params, batch, slots, slot_spans, threads);
  grads = std::move(slots[0]);
  return result;
}

namespace {

// ---- 4 what went non-finite ----

bool all_finite(std::span<const float> values) {
  return std::all_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); });
}

// The name of the first tensor (parameter_specs' order) with a non-finite value, "" if none.
std::string first_non_finite(const Parameters<float>& p) {
  std::string found;
  for_each_tensor(p, [&](const TensorSpec& spec, const float* data) {
    if (found.empty() && !all_finite({data, static_cast<size_t>(spec.count())})) found = spec.name;
  });
  return found;
}

bool finite_matrix(const model::Mat<float>& m) {
  return all_finite({m.data(), static_cast<size_t>(m.size())});
}

std::string layer_name(int i) {
  return "backbone.layers." + std::to_string(i);
}

// Where a non-finite loss comes from, for the one-line error. In this order: a parameter that
// is already not finite (named); else the first layer whose forward output is not finite on
// the first such sequence of the batch (named by its tensor prefix); else the final norm.
std::string locate_forward(const Parameters<float>& params, const TaskBatch& batch) {
  if (std::string name = first_non_finite(params); !name.empty())
    return "parameter " + name + " is not finite";
  for (int b = 0; b < batch.count; ++b) {
    const std::span<const int> tokens(batch.tokens.data() + static_cast<size_t>(b) * batch.length,
                                      static_cast<size_t>(batch.length));
    model::ModelActivations<float> act;
    const model::Mat<float> logits = model::model_forward(params, tokens, act);
    for (size_t i = 0; i < act.layers.size(); ++i)
      if (!finite_matrix(act.layers[i].out))
        return "layer " + std::to_string(i) + " ('" + std::string(1, params.layers[i].kind) + "', " +
               layer_name(static_cast<int>(i)) + ".mixer) gives a non-finite output (sequence " +
               std::to_string(b) + " of the batch)";
    if (!finite_matrix(logits))
      return "the head (backbone.norm_f.weight, backbone.embedding.weight) gives a non-finite output";
  }
  return "every forward is finite on a rerun";
}

// Where a non-finite gradient comes from: the backward runs from the last layer to the first,
// so the layer that produced it is the deepest one with a non-finite gradient; named by its
// first such tensor. The embedding (also the head) and norm_f come last.
std::string locate_gradient(const Parameters<float>& grads) {
  std::vector<TensorSpec> specs = model::parameter_specs(grads.config);
  std::vector<bool> bad;
  for_each_tensor(grads, [&](const TensorSpec& spec, const float* data) {
    bad.push_back(!all_finite({data, static_cast<size_t>(spec.count())}));
  });
  for (int i = grads.config.n_layer() - 1; i >= 0; --i) {
    const std::string prefix = layer_name(i) + ".";
    for (size_t k = 0; k < specs.size(); ++k)
      if (bad[k] && specs[k].name.rfind(prefix, 0) == 0) return "first non-finite gradient: " + specs[k].name;
  }
  for (size_t k = 0; k < specs.size(); ++k)
    if (bad[k]) return "first non-finite gradient: " + specs[k].name;
  return "no gradient tensor is non-finite";
}

}  // namespace

// ---- 5 train ----

TrainResult train(const ModelConfig& config, const TrainSettings& settings, const TrainCallbacks& callbacks) {
  ModelConfig resolved = config;
  model::resolve_defaults(resolved);
  model::validate_config(resolved);
  check_settings(resolved, settings);
  return train(model::init_parameters(resolved, settings.seed), settings, callbacks);
}

TrainResult train(Parameters<float> params, const TrainSettings& settings, const TrainCallbacks& callbacks) {
  check_settings(params.config, settings);
  keep_freed_memory_for_reuse();
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  const auto seconds_since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };

  TrainResult result;
  const TaskSpec& task = settings.task;
  const uint64_t batch_seed = train_batch_seed(settings.seed), eval_seed = train_eval_seed(settings.seed);
  std::vector<int> eval_lengths = settings.eval_lengths;
  if (eval_lengths.empty()) eval_lengths.push_back(task.length);
  const auto stop_requested = [&] { return callbacks.should_stop && callbacks.should_stop(); };
  const auto run_eval = [&](int64_t step) {
    EvalRecord record =
        evaluate(params, task, eval_lengths, settings.eval_samples, eval_seed, settings.threads);
    record.step = step;
    if (callbacks.on_eval) callbacks.on_eval(record);
    result.evals.push_back(std::move(record));
  };

  const std::vector<TensorSpec> specs = model::parameter_specs(params.config);
  std::vector<size_t> sizes;
  for (const TensorSpec& spec : specs) sizes.push_back(static_cast<size_t>(spec.count()));
  AdamW optimizer(sizes, AdamWSettings{.weight_decay = settings.weight_decay});

  const int slot_count = std::min(settings.batch, kGradSlots);
  std::vector<Parameters<float>> slots(static_cast<size_t>(slot_count), model::zeros_like(params));
  std::vector<std::vector<std::span<float>>> slot_spans;
  for (Parameters<float>& slot : slots) slot_spans.push_back(tensor_spans(slot));
  const std::vector<std::span<float>>& grads = slot_spans[0];
  std::vector<std::span<float>> values = tensor_spans(params);
  std::vector<ParamSlot> opt_slots;
  for (size_t k = 0; k < specs.size(); ++k) opt_slots.push_back({values[k], grads[k], decays(specs[k].name)});

  Parameters<float> before = params;  // the last finished step's, for an update that overflows
  double train_seconds = 0.0;
  int64_t tokens_seen = 0;
  int64_t last_eval = -1;

  for (int64_t step = 0; step < settings.steps; ++step) {
    if (stop_requested()) {
      result.status = TrainStatus::Stopped;
      break;
    }
    const Clock::time_point step_start = Clock::now();
    const int64_t done = step + 1;
    const TaskBatch batch =
        make_task_batch(task, batch_seed, static_cast<uint64_t>(step) * settings.batch, settings.batch);
    const BatchLoss br = batch_gradients(params, batch, slots, slot_spans, settings.threads);
    const auto fail = [&](const std::string& line) {
      result.status = TrainStatus::Failed;
      result.error = "step " + std::to_string(done) + ": " + line;
    };
    if (!std::isfinite(br.loss)) {
      fail("the loss is " + format_number(br.loss) + "; " + locate_forward(params, batch));
      break;
    }
    const double norm =
        settings.grad_clip > 0.0 ? clip_to_norm(grads, settings.grad_clip) : global_norm(grads);
    if (!std::isfinite(norm)) {
      fail("the gradient norm is " + format_number(norm) + "; " + locate_gradient(slots[0]));
      break;
    }
    const double lr = learning_rate(step, settings.steps, settings.warmup, settings.lr);
    before = params;
    optimizer.step(opt_slots, lr);
    if (std::string name = first_non_finite(params); !name.empty()) {
      params = before;
      fail("the update (lr " + format_number(lr) + ") made " + name + " non-finite");
      break;
    }
    train_seconds += seconds_since(step_start);
    tokens_seen += static_cast<int64_t>(batch.count) * batch.length;
    result.steps_done = done;

    StepRecord record;
    record.step = done;
    record.loss = br.loss;
    record.accuracy = br.accuracy;
    record.lr = lr;
    record.grad_norm = norm;
    record.tokens_per_s = train_seconds > 0.0 ? static_cast<double>(tokens_seen) / train_seconds : 0.0;
    record.elapsed_s = seconds_since(start);
    if (callbacks.on_step) callbacks.on_step(record, params);
    result.log.push_back(record);

    if (settings.eval_samples > 0 && settings.eval_every > 0 && done % settings.eval_every == 0 &&
        done < settings.steps) {
      if (stop_requested()) {
        result.status = TrainStatus::Stopped;
        break;
      }
      run_eval(done);
      last_eval = done;
    }
  }
  if (result.status == TrainStatus::Finished && settings.eval_samples > 0 && last_eval != result.steps_done &&
      !stop_requested())
    run_eval(result.steps_done);
  result.params = std::move(params);
  return result;
}

}  // namespace seqscope::compute::train
