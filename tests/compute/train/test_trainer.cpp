// The training loop and evaluation (compute/train/trainer.h): a tiny model learns, runs are
// bit-identical for a seed on 1, 2 and 3 threads, a non-finite loss or update stops with one
// line naming the step and the tensor, should_stop returns the last finished step, the
// weight-decay rule by name, evaluate on a model whose answers are known, the JSON records.
// Every model here is tiny (d 16, L 24): the whole file runs in a few seconds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "compute/model/model.h"
#include "compute/train/history.h"
#include "compute/train/trainer.h"
#include "core/types.h"

namespace seqscope::compute::train {
namespace {

using model::TensorSpec;

ModelConfig tiny_config(const std::string& pattern) {
  ModelConfig c;
  c.pattern = pattern;
  c.vocab_size = 12;
  c.d_model = 16;
  c.d_state = 4;
  c.n_heads = 2;
  model::resolve_defaults(c);
  return c;
}

// delayed_recall with lag 2 at L 24: 8 data symbols (chance 1/8), 22 targets per sequence.
TrainSettings tiny_settings(int64_t steps) {
  TrainSettings s;
  s.task.kind = TaskKind::DelayedRecall;
  s.task.vocab = 12;
  s.task.length = 24;
  s.task.lag = 2;
  s.steps = steps;
  s.batch = 8;
  s.lr = 1e-2;
  s.warmup = 10;
  s.seed = 1;
  s.eval_samples = 0;
  return s;
}

// Every tensor's bytes, in order.
std::vector<unsigned char> bytes_of(const Parameters<float>& p) {
  std::vector<unsigned char> out;
  for_each_tensor(p, [&](const TensorSpec& spec, const float* data) {
    const auto* b = reinterpret_cast<const unsigned char*>(data);
    out.insert(out.end(), b, b + spec.count() * sizeof(float));
  });
  return out;
}

bool all_finite(const Parameters<float>& p) {
  bool ok = true;
  for_each_tensor(p, [&](const TensorSpec& spec, const float* data) {
    for (int64_t i = 0; i < spec.count(); ++i) ok = ok && std::isfinite(data[i]);
  });
  return ok;
}

double mean_loss(const std::vector<StepRecord>& log, size_t first, size_t count) {
  double sum = 0.0;
  for (size_t i = first; i < first + count; ++i) sum += log.at(i).loss;
  return sum / static_cast<double>(count);
}

// ---- learning ----

TEST(TrainerLearns, MambaLearnsDelayedRecall) {
  // The conv1d (width 4) sees x_{t-2}: a one-layer M learns this in a few dozen steps (seeds
  // 1..6 all end below 0.13 from about 2.5, with accuracy 1).
  TrainSettings s = tiny_settings(100);
  s.eval_samples = 64;
  s.eval_lengths = {24, 48};
  const TrainResult r = train(tiny_config("M"), s);
  ASSERT_EQ(r.status, TrainStatus::Finished) << r.error;
  EXPECT_EQ(r.steps_done, 100);
  ASSERT_EQ(r.log.size(), 100u);
  EXPECT_EQ(r.log.front().step, 1);
  EXPECT_GT(r.log.front().loss, 2.0);  // about ln(12) at init
  EXPECT_LT(mean_loss(r.log, 90, 10), 0.3 * r.log.front().loss);
  ASSERT_EQ(r.evals.size(), 1u);
  EXPECT_EQ(r.evals[0].step, 100);
  ASSERT_EQ(r.evals[0].points.size(), 2u);
  for (const EvalPoint& p : r.evals[0].points) {
    EXPECT_EQ(p.samples, 64);
    EXPECT_EQ(p.targets, 64 * (p.length - 2));
    EXPECT_GT(p.accuracy, 0.9) << p.length;  // chance is 1/8; it also holds at twice the length
  }
}

TEST(TrainerLearns, AttentionLearnsDelayedRecall) {
  const TrainResult r = train(tiny_config("*"), tiny_settings(150));
  ASSERT_EQ(r.status, TrainStatus::Finished) << r.error;
  EXPECT_LT(mean_loss(r.log, 140, 10), 0.5 * r.log.front().loss);
  EXPECT_TRUE(r.evals.empty());  // eval_samples 0
}

// ---- determinism ----

TEST(TrainerDeterminism, SameSeedSameBitsOnAnyThreadCount) {
  // batch 20 > kGradSlots: slots 0..3 take two sequences each.
  TrainSettings s = tiny_settings(8);
  s.batch = 20;
  s.threads = 2;
  const ModelConfig config = tiny_config("M*");
  const TrainResult a = train(config, s);
  const TrainResult b = train(config, s);
  ASSERT_EQ(a.status, TrainStatus::Finished);
  EXPECT_EQ(bytes_of(a.params), bytes_of(b.params));
  for (int threads : {1, 3}) {
    s.threads = threads;
    EXPECT_EQ(bytes_of(train(config, s).params), bytes_of(a.params)) << threads << " threads";
  }
  for (size_t i = 0; i < a.log.size(); ++i) EXPECT_EQ(a.log[i].loss, b.log[i].loss);
  s.seed = 2;
  EXPECT_NE(bytes_of(train(config, s).params), bytes_of(a.params));
}

TEST(TrainerDeterminism, EvaluateIsThreadIndependent) {
  const Parameters<float> params = model::init_parameters(tiny_config("M"), 3);
  const TrainSettings s = tiny_settings(0);
  const int lengths[] = {24};
  const EvalRecord one = evaluate(params, s.task, lengths, 33, 5, 1);
  const EvalRecord three = evaluate(params, s.task, lengths, 33, 5, 3);
  EXPECT_EQ(one.points[0].loss, three.points[0].loss);
  EXPECT_EQ(one.points[0].accuracy, three.points[0].accuracy);
}

// ---- the batch gradient ----

TEST(TrainerBatch, GradientOfTheMeanOverAllTargetedPositions) {
  // Sequences with 1, 5 and 0 targets: the batch loss weighs each sequence by its count, so
  // its gradient is sum_b (count_b / total) d loss_b, checked against the double model.
  const Parameters<float> params = model::init_parameters(tiny_config("M-"), 4);
  TaskBatch batch;
  batch.count = 3;
  batch.length = 6;
  batch.tokens = {4, 5, 6, 7, 8, 9, 11, 10, 4, 4, 5, 6, 1, 2, 3, 0, 9, 9};
  batch.targets = {-1, -1, -1, -1, -1, 7, 10, 4, 4, 5, 6, -1, -1, -1, -1, -1, -1, -1};
  Parameters<float> grads;
  const BatchLoss got = batch_loss_and_gradients(params, batch, grads, 2);
  EXPECT_EQ(got.targets, 6);

  const Parameters<double> p64 = model::cast_parameters<double>(params);
  Parameters<double> want = model::zeros_like(p64);
  double loss_sum = 0.0;
  int correct = 0;
  for (int b = 0; b < 3; ++b) {
    const std::span<const int> tokens(batch.tokens.data() + b * 6, 6),
        targets(batch.targets.data() + b * 6, 6);
    const int count =
        static_cast<int>(std::count_if(targets.begin(), targets.end(), [](int t) { return t >= 0; }));
    const model::CrossEntropyResult r = model::loss_and_gradients(p64, tokens, targets, want, count / 6.0);
    loss_sum += r.loss * r.count;
    correct += r.correct;
  }
  EXPECT_NEAR(got.loss, loss_sum / 6.0, 1e-5);
  EXPECT_DOUBLE_EQ(got.accuracy, correct / 6.0);
  std::vector<const double*> w;
  for_each_tensor(want, [&](const TensorSpec&, const double* d) { w.push_back(d); });
  size_t k = 0;
  for_each_tensor(grads, [&](const TensorSpec& spec, const float* g) {
    double scale = 1e-6, err = 0.0;
    for (int64_t i = 0; i < spec.count(); ++i) scale = std::max(scale, std::abs(w[k][i]));
    for (int64_t i = 0; i < spec.count(); ++i) err = std::max(err, std::abs(g[i] - w[k][i]));
    EXPECT_LT(err, 1e-4 * scale) << spec.name;
    ++k;
  });
  // The same bits on one thread.
  Parameters<float> one;
  batch_loss_and_gradients(params, batch, one, 1);
  EXPECT_EQ(bytes_of(one), bytes_of(grads));
}

// ---- non-finite ----

TEST(TrainerNonFinite, InjectedNaNWeightNamesTheTensor) {
  Parameters<float> params = model::init_parameters(tiny_config("M-"), 1);
  params.layers[1].mlp.up_proj(3, 5) = std::numeric_limits<float>::quiet_NaN();
  const std::vector<unsigned char> before = bytes_of(params);
  const TrainResult r = train(params, tiny_settings(20));
  EXPECT_EQ(r.status, TrainStatus::Failed);
  EXPECT_EQ(r.steps_done, 0);
  EXPECT_EQ(r.error,
            "step 1: the loss is nan; parameter backbone.layers.1.mixer.up_proj.weight is not finite");
  EXPECT_EQ(bytes_of(r.params), before);  // what it had: the parameters it was given
}

TEST(TrainerNonFinite, HugeLearningRateStopsWithTheStepAndTheLayer) {
  // The first step is finite (clipped, then moved by about lr); the second forward overflows.
  TrainSettings s = tiny_settings(20);
  s.lr = 1e30;
  s.warmup = 0;
  for (const std::string pattern : {"M", "*"}) {
    const TrainResult r = train(tiny_config(pattern), s);
    EXPECT_EQ(r.status, TrainStatus::Failed) << pattern;
    EXPECT_LT(r.steps_done, 20) << pattern;
    EXPECT_EQ(r.error.rfind("step " + std::to_string(r.steps_done + 1) + ": ", 0), 0u) << r.error;
    EXPECT_NE(r.error.find("backbone."), std::string::npos) << r.error;
    EXPECT_EQ(r.error.find('\n'), std::string::npos) << r.error;
    EXPECT_TRUE(all_finite(r.params)) << pattern;
    EXPECT_EQ(r.log.size(), static_cast<size_t>(r.steps_done));
  }
}

TEST(TrainerNonFinite, AnUpdateThatOverflowsIsUndone) {
  // 1 - lr * wd rounds to -inf in float: the first update turns the decayed weights infinite.
  TrainSettings s = tiny_settings(5);
  s.warmup = 0;
  s.weight_decay = 1e60;
  const ModelConfig config = tiny_config("M");
  const TrainResult r = train(config, s);
  EXPECT_EQ(r.status, TrainStatus::Failed);
  EXPECT_EQ(r.error, "step 1: the update (lr 0.01) made backbone.embedding.weight non-finite");
  EXPECT_EQ(r.steps_done, 0);
  EXPECT_EQ(bytes_of(r.params), bytes_of(model::init_parameters(config, s.seed)));
}

// ---- stopping ----

TEST(TrainerStop, ShouldStopReturnsTheLastFinishedStep) {
  std::vector<unsigned char> at_step_3;
  int64_t finished = 0;
  int evals = 0;
  TrainCallbacks callbacks;
  callbacks.on_step = [&](const StepRecord& record, const Parameters<float>& params) {
    finished = record.step;
    if (record.step == 3) at_step_3 = bytes_of(params);
  };
  callbacks.on_eval = [&](const EvalRecord&) { ++evals; };
  callbacks.should_stop = [&] { return finished >= 3; };  // as a Ctrl-C during step 3 would
  TrainSettings s = tiny_settings(50);
  s.eval_samples = 16;
  s.eval_every = 2;
  const TrainResult r = train(tiny_config("M"), s, callbacks);
  EXPECT_EQ(r.status, TrainStatus::Stopped);
  EXPECT_EQ(r.steps_done, 3);
  EXPECT_EQ(bytes_of(r.params), at_step_3);
  EXPECT_EQ(evals, 1);  // after step 2; none at the end of a stopped run
  EXPECT_EQ(r.evals.size(), 1u);
}

TEST(TrainerStop, ZeroStepsGiveTheInitialisedModelEvaluated) {
  TrainSettings s = tiny_settings(0);
  s.eval_samples = 8;
  const ModelConfig config = tiny_config("S");
  const TrainResult r = train(config, s);
  EXPECT_EQ(r.status, TrainStatus::Finished);
  EXPECT_EQ(r.steps_done, 0);
  EXPECT_EQ(bytes_of(r.params), bytes_of(model::init_parameters(config, s.seed)));
  ASSERT_EQ(r.evals.size(), 1u);
  EXPECT_EQ(r.evals[0].step, 0);
}

// ---- settings, the decay rule, JSON ----

TEST(TrainSettings, MistakesAreOneLineUserErrors) {
  const ModelConfig config = tiny_config("M");
  const auto message = [&](TrainSettings s) {
    try {
      check_settings(config, s);
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  TrainSettings s = tiny_settings(10);
  EXPECT_EQ(message(s), "");
  s.task.vocab = 16;
  EXPECT_EQ(message(s), "the task's vocab 16 is larger than the model's vocab_size 12");
  s = tiny_settings(10);
  s.batch = 0;
  EXPECT_EQ(message(s), "batch must be >= 1 (got 0)");
  s = tiny_settings(10);
  s.eval_lengths = {2};
  EXPECT_NE(message(s).find("eval "), std::string::npos);
  s = tiny_settings(10);
  s.lr = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(message(s), "lr must be a finite number >= 0 (got nan)");
  EXPECT_THROW(train(config, s), UserError);
}

TEST(TrainDecay, NoDecayOnNormsBiasesALogDAndLogDt) {
  ModelConfig config = tiny_config("M*-S");
  std::set<std::string> kept;
  for (const TensorSpec& spec : model::parameter_specs(config))
    if (!decays(spec.name)) kept.insert(spec.name);
  std::set<std::string> expected = {"backbone.norm_f.weight"};
  for (int i = 0; i < 4; ++i) expected.insert("backbone.layers." + std::to_string(i) + ".norm.weight");
  for (const char* name :
       {"backbone.layers.0.mixer.conv1d.bias", "backbone.layers.0.mixer.dt_proj.bias",
        "backbone.layers.0.mixer.A_log", "backbone.layers.0.mixer.D", "backbone.layers.3.mixer.conv1d.bias",
        "backbone.layers.3.mixer.log_dt", "backbone.layers.3.mixer.A_log", "backbone.layers.3.mixer.D"})
    expected.insert(name);
  EXPECT_EQ(kept, expected);
  // Weights that do decay, including S's B and C, the embedding and conv1d's weight.
  for (const char* name :
       {"backbone.embedding.weight", "backbone.layers.3.mixer.B", "backbone.layers.3.mixer.C",
        "backbone.layers.0.mixer.conv1d.weight", "backbone.layers.1.mixer.q_proj.weight"})
    EXPECT_TRUE(decays(name)) << name;
}

TEST(TrainDecay, DecayTouchesOnlyTheDecayedTensors) {
  // One step with and without weight decay: the same gradients, so a tensor ends the same
  // exactly when it does not decay.
  TrainSettings s = tiny_settings(1);
  s.warmup = 0;
  s.weight_decay = 0.0;
  const ModelConfig config = tiny_config("S");
  const TrainResult plain = train(config, s);
  s.weight_decay = 1000.0;  // 1 - lr*wd = -9: decayed tensors flip sign and grow
  const TrainResult decayed = train(config, s);
  int64_t k = 0;
  std::vector<const float*> a, b;
  for_each_tensor(plain.params, [&](const TensorSpec&, const float* d) { a.push_back(d); });
  for_each_tensor(decayed.params, [&](const TensorSpec&, const float* d) { b.push_back(d); });
  for (const TensorSpec& spec : model::parameter_specs(config)) {
    const bool same = std::memcmp(a[k], b[k], spec.count() * sizeof(float)) == 0;
    EXPECT_EQ(same, !decays(spec.name)) << spec.name;
    ++k;
  }
}

TEST(TrainLog, JsonRecords) {
  StepRecord step{.step = 7,
                  .loss = 1.5,
                  .accuracy = 0.25,
                  .lr = 0.001,
                  .grad_norm = 2.0,
                  .tokens_per_s = 1000.0,
                  .elapsed_s = 3.5};
  EXPECT_EQ(
      to_json(step).dump(),
      R"({"accuracy":0.25,"elapsed_s":3.5,"grad_norm":2.0,"loss":1.5,"lr":0.001,"step":7,"tokens_per_s":1000.0})");
  EvalRecord eval{.step = 100,
                  .points = {EvalPoint{.length = 24,
                                       .samples = 4,
                                       .targets = 88,
                                       .loss = 0.5,
                                       .accuracy = 0.75,
                                       .sequence_accuracy = 0.25}}};
  EXPECT_EQ(to_json(eval).dump(),
            R"({"lengths":[{"accuracy":0.75,"length":24,"loss":0.5,"samples":4,"sequence_accuracy":0.25,)"
            R"("targets":88}],"step":100})");
}

TEST(TrainLog, RecordsReadBackAsWritten) {
  const StepRecord step{.step = 7, .loss = 1.5, .accuracy = 0.25, .lr = 0.001, .grad_norm = 2.0,
                        .tokens_per_s = 1000.0, .elapsed_s = 3.5};
  const StepRecord back = step_record_from_json(to_json(step), "log");
  EXPECT_EQ(to_json(back).dump(), to_json(step).dump());
  const EvalRecord eval{.step = 9, .points = {EvalPoint{.length = 24, .samples = 4, .targets = 88, .loss = 0.5,
                                                        .accuracy = 0.75, .sequence_accuracy = 0.25}}};
  EXPECT_EQ(to_json(eval_record_from_json(to_json(eval), "eval")).dump(), to_json(eval).dump());
  nlohmann::json broken = to_json(step);
  broken.erase("loss");
  try {
    step_record_from_json(broken, "train_log.jsonl line 3");
    ADD_FAILURE() << "no UserError";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "train_log.jsonl line 3: no number 'loss'");
  }
}

TEST(TrainLog, SmoothingIsAnExponentialMovingAverage) {
  EXPECT_EQ(smoothed({}, 5), std::vector<float>{});
  EXPECT_EQ(smoothed({1.0f, 2.0f, 3.0f}, 1), (std::vector<float>{1.0f, 2.0f, 3.0f}));  // alpha 1
  const std::vector<float> s = smoothed({0.0f, 3.0f, 3.0f}, 2);                       // alpha 2/3
  EXPECT_FLOAT_EQ(s[0], 0.0f);
  EXPECT_FLOAT_EQ(s[1], 2.0f);
  EXPECT_FLOAT_EQ(s[2], 2.0f + (3.0f - 2.0f) * 2.0f / 3.0f);
}

// ---- evaluate ----

TEST(Evaluate, AModelThatEchoesItsInput) {
  // A '-' model with zero MLP weights and the identity embedding (V 6, d 8) gives, at every
  // step, logits s at the input token and 0 elsewhere, s = 1 / sqrt(1/8 + eps) (RMSNorm of a
  // one-hot row, weights 1). On delayed_recall with lag 1 and data symbols {4, 5} it is right
  // exactly where x_t = x_{t-1}; its loss there is log(e^s + 5) - s, elsewhere log(e^s + 5).
  ModelConfig config = tiny_config("-");
  config.vocab_size = 6;
  config.d_model = 8;
  config.d_ff = 0;
  model::resolve_defaults(config);
  Parameters<float> params = model::init_parameters(config, 1);
  params.layers[0].mlp.up_proj.setZero();
  params.layers[0].mlp.down_proj.setZero();
  params.layers[0].norm.setOnes();
  params.norm_f.setOnes();
  params.embedding.setZero();
  for (int i = 0; i < 6; ++i) params.embedding(i, i) = 1.0f;

  TaskSpec task;
  task.kind = TaskKind::DelayedRecall;
  task.vocab = 6;
  task.lag = 1;
  const int lengths[] = {3, 5};
  const int samples = 64;
  const uint64_t seed = 11;
  const EvalRecord record = evaluate(params, task, lengths, samples, seed);
  ASSERT_EQ(record.points.size(), 2u);

  const double s = 1.0 / std::sqrt(1.0 / 8.0 + config.norm_eps);
  const double right_loss = std::log(std::exp(s) + 5.0) - s, wrong_loss = std::log(std::exp(s) + 5.0);
  for (int k = 0; k < 2; ++k) {
    const int L = lengths[k];
    task.length = L;
    const TaskBatch batch = make_task_batch(task, seed, 0, samples);
    int right = 0, targets = 0, whole = 0;
    for (int b = 0; b < samples; ++b) {
      bool all = true;
      for (int t = 0; t < L; ++t) {
        const int target = batch.targets[static_cast<size_t>(b * L + t)];
        if (target < 0) continue;
        ++targets;
        const bool ok = target == batch.tokens[static_cast<size_t>(b * L + t)];
        right += ok;
        all = all && ok;
      }
      whole += all;
    }
    const EvalPoint& p = record.points[static_cast<size_t>(k)];
    EXPECT_EQ(p.length, L);
    EXPECT_EQ(p.samples, samples);
    EXPECT_EQ(p.targets, samples * (L - 1));
    EXPECT_EQ(targets, samples * (L - 1));
    EXPECT_DOUBLE_EQ(p.accuracy, static_cast<double>(right) / targets);
    EXPECT_DOUBLE_EQ(p.sequence_accuracy, static_cast<double>(whole) / samples);
    EXPECT_NEAR(p.loss, (right * right_loss + (targets - right) * wrong_loss) / targets, 1e-5);
    // Not a degenerate case: some right, some wrong, some whole sequences right.
    EXPECT_GT(right, 0);
    EXPECT_LT(right, targets);
    EXPECT_GT(whole, 0);
  }
}

}  // namespace
}  // namespace seqscope::compute::train
