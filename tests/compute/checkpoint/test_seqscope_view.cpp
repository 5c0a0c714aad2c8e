// Seqscope model folders of every pattern on the dashboard's side (compute/checkpoint): the
// forward is the model engine's, and the shown layers' Results are checked against identities
// computed independently here:
//   the SSM side's gated output is the model engine's block output (y * silu(z));
//   scan == hidden attention . u:  y_ssm[:, d] = alpha_d u[:, d] + D_d u[:, d];
//   an `S` layer's scan == its causal convolution with the kernel K;
//   the attention side's rows sum to 1 and out = probs v per head.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "compute/checkpoint/adapter.h"
#include "compute/checkpoint/model.h"
#include "compute/model/folder.h"
#include "compute/model/model.h"
#include "compute/session/tasks.h"

namespace seqscope::compute::checkpoint {
namespace {

namespace fs = std::filesystem;
using model::ModelConfig;
using model::Parameters;

class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(fs::temp_directory_path() / ("seqscope_test_view_" + name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no UserError)";
}

ModelConfig config_of(const std::string& pattern, const TaskSpec* task = nullptr) {
  ModelConfig c;
  c.pattern = pattern;
  c.vocab_size = 16;
  c.d_model = 16;
  c.d_state = 4;
  c.n_heads = 2;
  if (task) c.settings["task"] = task_to_json(*task);
  model::resolve_defaults(c);
  model::validate_config(c);
  return c;
}

// Init's steps barely use the state; longer ones make the scans and their maps count.
Parameters<float> params_of(const ModelConfig& c, uint64_t seed) {
  Parameters<float> p = model::init_parameters(c, seed);
  for (auto& layer : p.layers) {
    if (layer.kind == 'M') layer.mamba.dt_proj_b.array() += 3.0f;
    if (layer.kind == 'S') layer.s4.log_dt.array() += 3.0f;
  }
  return p;
}

const std::vector<int> kTokens = {4, 0, 7, 12, 3, 5, 1, 9, 2, 15, 6, 4};

float max_abs(const Matrix& m) { return m.cwiseAbs().maxCoeff(); }

// y_ssm[:, d] against alpha_d u[:, d] + D_d u[:, d] for every shown channel.
void expect_scan_is_hidden_attention_times_u(const SsmResults& r) {
  const int L = r.L;
  ASSERT_EQ(r.hidden_attention.shape.size(), 3u);
  for (size_t i = 0; i < r.hidden_attention_channels.size(); ++i) {
    const int d = r.hidden_attention_channels[i];
    const Eigen::Map<const Matrix> alpha(r.hidden_attention.data.data() + static_cast<int64_t>(i) * L * L, L, L);
    const Eigen::VectorXf u = r.u.col(d);
    const Eigen::VectorXf expected = alpha * u + r.Dskip(d) * u;
    const Eigen::VectorXf y = r.y.col(d);
    EXPECT_LT((y - expected).cwiseAbs().maxCoeff(), 1e-4f * (1.0f + y.cwiseAbs().maxCoeff())) << "channel " << d;
  }
}

// [SECTION] the forward and the shown layers

TEST(SeqscopeView, HybridFillsBothSidesFromTheModelEngine) {
  const TempDir tmp("hybrid");
  const ModelConfig c = config_of("M*S-");
  const Parameters<float> p = params_of(c, 3);
  model::save_model_folder(tmp.path() / "m", p);
  const auto model = Model::open(tmp.path() / "m");
  ASSERT_EQ(model->architecture(), Architecture::Seqscope);
  EXPECT_EQ(model->n_layer(), 4);
  EXPECT_NE(model->describe().find("seqscope M*S-"), std::string::npos) << model->describe();

  model::ModelActivations<float> act;
  const Matrix logits = model::model_forward(p, kTokens, act);
  RunOptions options;
  const ModelRun run = model->run(kTokens, options);
  EXPECT_EQ(max_abs(run.logits - logits), 0.0f);  // the same engine, the same numbers
  EXPECT_EQ(run.ssm_layer, 0);
  EXPECT_EQ(run.attention_layer, 1);

  const SsmResults& r = run.ssm;
  ASSERT_EQ(r.L, static_cast<int>(kTokens.size()));
  EXPECT_EQ(r.D, c.d_inner());
  EXPECT_FALSE(r.lti);
  const Matrix& block_out = act.layers[0].y;  // the model engine's y * silu(z)
  EXPECT_LT(max_abs(r.y_gated - block_out), 1e-5f * (1.0f + max_abs(block_out)));
  expect_scan_is_hidden_attention_times_u(r);

  const AttentionResults& a = run.attention;
  ASSERT_EQ(a.H, 2);
  ASSERT_EQ(a.dh, 8);
  const int L = a.L, dh = a.dh;
  for (int h = 0; h < a.H; ++h) {
    const Eigen::Map<const Matrix> probs(a.probs.data.data() + int64_t{h} * L * L, L, L);
    const Eigen::Map<const Matrix> v(a.v.data.data() + int64_t{h} * L * dh, L, dh);
    const Eigen::Map<const Matrix> out(a.out.data.data() + int64_t{h} * L * dh, L, dh);
    for (int t = 0; t < L; ++t) {
      EXPECT_NEAR(probs.row(t).sum(), 1.0f, 1e-5f);
      EXPECT_EQ(probs.row(t).tail(L - 1 - t).cwiseAbs().sum(), 0.0f);  // causal
    }
    EXPECT_LT(max_abs(out - probs * v), 1e-5f);
    EXPECT_LT(max_abs(out - act.layers[1].attn.middleCols(int64_t{h} * dh, dh)), 1e-6f);
  }
}

TEST(SeqscopeView, TimeInvariantLayerIsItsConvolution) {
  const TempDir tmp("lti");
  const ModelConfig c = config_of("M*S-");
  const Parameters<float> p = params_of(c, 4);
  model::save_model_folder(tmp.path() / "m", p);
  const auto model = Model::open(tmp.path() / "m");
  model::ModelActivations<float> act;
  model::model_forward(p, kTokens, act);
  RunOptions options;
  options.layer = 2;
  const ModelRun run = model->run(kTokens, options);
  EXPECT_EQ(run.ssm_layer, 2);
  EXPECT_EQ(run.attention_layer, 1);
  const SsmResults& r = run.ssm;
  ASSERT_TRUE(r.lti);
  ASSERT_EQ(r.kernel.rows(), r.D);
  EXPECT_LT(max_abs(r.y_gated - act.layers[2].y), 1e-5f * (1.0f + max_abs(act.layers[2].y)));
  // y[t, d] = sum_{s <= t} K[d, t - s] u[s, d] + D_d u[t, d], the kernel K_k = C Abar^k Bbar.
  for (int d = 0; d < r.D; ++d)
    for (int t = 0; t < r.L; ++t) {
      double y = r.Dskip(d) * r.u(t, d);
      for (int s = 0; s <= t; ++s) y += double(r.kernel(d, t - s)) * r.u(s, d);
      EXPECT_NEAR(r.y(t, d), y, 1e-5 * (1.0 + std::abs(y))) << "d " << d << " t " << t;
    }
  expect_scan_is_hidden_attention_times_u(r);
  // Abar = exp(delta A) with delta = exp(log_dt), per channel.
  const auto& s4 = p.layers[2].s4;
  for (int d = 0; d < r.D; d += 7)
    EXPECT_NEAR(r.Abar.at(0, d, 1).real(), std::exp(-std::exp(s4.log_dt(d)) * std::exp(s4.A_log(d, 1))), 1e-6);
}

TEST(SeqscopeView, LayerChoicesAndTheirErrors) {
  const TempDir tmp("layers");
  model::save_model_folder(tmp.path() / "m", params_of(config_of("-M**"), 5));
  const auto model = Model::open(tmp.path() / "m");
  RunOptions options;  // layer 0 is the MLP: each side shows its first layer
  ModelRun run = model->run(kTokens, options);
  EXPECT_EQ(run.ssm_layer, 1);
  EXPECT_EQ(run.attention_layer, 2);
  options.layer = 3;
  run = model->run(kTokens, options);
  EXPECT_EQ(run.attention_layer, 3);
  options.layer = 1;
  options.attention_layer = 3;
  run = model->run(kTokens, options);
  EXPECT_EQ(run.ssm_layer, 1);
  EXPECT_EQ(run.attention_layer, 3);
  options.attention_layer = 1;
  EXPECT_EQ(error_of([&] { model->run(kTokens, options); }), "model: layer 1 of pattern -M** is not an attention layer (*)");

  model::save_model_folder(tmp.path() / "attn", params_of(config_of("**"), 6));
  run = Model::open(tmp.path() / "attn")->run(kTokens, RunOptions{});
  EXPECT_EQ(run.ssm_layer, -1);
  EXPECT_EQ(run.ssm.L, 0);
  EXPECT_EQ(run.attention_layer, 0);
}

// [SECTION] a state reset

// h_step := 0 in one SSM layer: the model engine's forward with the reset and the shown layer's
// spliced panels agree, the logits before the step do not move (causality), and the scan ==
// hidden attention . u identity still holds.
TEST(SeqscopeView, StateResetIsTheEnginesAndOnlyMovesLaterSteps) {
  const TempDir tmp("reset");
  const Parameters<float> p = params_of(config_of("M*S-"), 11);
  model::save_model_folder(tmp.path() / "m", p);
  const auto model = Model::open(tmp.path() / "m");
  const ModelRun plain = model->run(kTokens, RunOptions{});
  for (const int layer : {0, 2}) {
    constexpr int kStep = 5;
    RunOptions options;
    options.layer = layer;
    options.reset = {layer, kStep};
    const ModelRun run = model->run(kTokens, options);
    model::ModelActivations<float> act;
    const Matrix logits = model::model_forward(p, kTokens, act, model::kScanChunk, options.reset);
    EXPECT_EQ(max_abs(run.logits - logits), 0.0f);
    EXPECT_EQ(max_abs(run.logits.topRows(kStep) - plain.logits.topRows(kStep)), 0.0f) << "layer " << layer;
    EXPECT_GT(max_abs(run.logits.bottomRows(kTokens.size() - kStep) - plain.logits.bottomRows(kTokens.size() - kStep)), 1e-6f);
    const SsmResults& r = run.ssm;
    const Matrix& block_out = act.layers[static_cast<size_t>(layer)].y;
    EXPECT_LT(max_abs(r.y_gated - block_out), 1e-5f * (1.0f + max_abs(block_out))) << "layer " << layer;
    for (int d = 0; d < r.D; ++d) EXPECT_EQ(std::abs(r.h.at(kStep, d, 0)), 0.0f);
    expect_scan_is_hidden_attention_times_u(r);
    // A reset is for looking, not for training: the backward refuses its activations.
    model::Parameters<float> grads = model::zeros_like(p);
    EXPECT_THROW(model::model_backward(p, act, Matrix(Matrix::Ones(logits.rows(), logits.cols())), grads),
                 std::invalid_argument);
  }
  RunOptions bad;
  bad.reset = {1, 2};
  EXPECT_EQ(error_of([&] { model->run(kTokens, bad); }), "state reset: layer 1 of pattern M*S- is not an SSM layer (M or S)");
  bad.reset = {0, 12};
  EXPECT_EQ(error_of([&] { model->run(kTokens, bad); }), "state reset: step 12 is outside [0, 12)");
}

// [SECTION] task samples

TEST(SeqscopeView, TaskModelsShowTheirTasksSamples) {
  const TempDir tmp("task");
  TaskSpec spec;
  spec.kind = TaskKind::SelectiveCopy;
  spec.vocab = 16;
  spec.length = 24;
  spec.num_tokens = 4;
  model::save_model_folder(tmp.path() / "mm", params_of(config_of("MM", &spec), 7));
  model::save_model_folder(tmp.path() / "attn", params_of(config_of("**", &spec), 8));
  const LoadedModel mm = LoadedModel::open(tmp.path() / "mm");
  const LoadedModel attn = LoadedModel::open(tmp.path() / "attn");
  ASSERT_TRUE(mm.model->trained_task().has_value());
  EXPECT_EQ(mm.model->trained_task()->kind, TaskKind::SelectiveCopy);
  EXPECT_EQ(mm.model->trained_task()->length, 24);
  EXPECT_TRUE(mm.notice.empty()) << mm.notice;
  EXPECT_EQ(mm.token_label(2), "|");

  const TaskSample sample = make_task_sample(spec, uint64_t{3});
  const ModelView view = view_task_models(mm, &attn, sample, spec, 0, 0);
  const Results& results = view.results;
  EXPECT_EQ(results.inputs.tokens, sample.tokens);
  EXPECT_EQ(results.inputs.targets, sample.targets);
  EXPECT_EQ(results.inputs.roles, sample.roles);
  EXPECT_EQ(results.session.input.kind, InputKind::Task);
  EXPECT_EQ(results.ssm.L, 24);        // from mm
  EXPECT_EQ(results.attention.L, 24);  // from attn: the side mm has no layer for
  EXPECT_FALSE(results.attention_tokens.active());  // the same tokens on both sides
  ASSERT_EQ(view.predictions.size(), 2u);
  for (const auto& predictions : view.predictions) {
    ASSERT_EQ(predictions.top5.size(), sample.tokens.size());
    double total = 0.0;
    for (const auto& next : predictions.top5[5]) total += next.probability;
    EXPECT_LE(total, 1.0 + 1e-5);
  }
  // The predictions are the model's argmax at each step.
  const ModelRun run = mm.model->run(sample.tokens, RunOptions{});
  for (size_t t = 0; t < sample.tokens.size(); ++t) {
    Eigen::Index best = 0;
    run.logits.row(static_cast<Eigen::Index>(t)).maxCoeff(&best);
    EXPECT_EQ(view.predictions[0].top5[t].front().id, static_cast<int>(best));
  }
}

TEST(SeqscopeView, RefusesWhatItCannotShow) {
  const TempDir tmp("refuse");
  model::save_model_folder(tmp.path() / "m", params_of(config_of("M"), 9));
  const auto model = Model::open(tmp.path() / "m");
  EXPECT_FALSE(model->trained_task().has_value());  // made without settings
  const std::vector<int> long_tokens(5793, 4);
  EXPECT_EQ(error_of([&] { model->run(long_tokens, RunOptions{}); }),
            "model: 5793 tokens are more than a seqscope model is shown on (5792)");
  EXPECT_EQ(error_of([&] { model->run({4, 16}, RunOptions{}); }),
            "model: token id 16 is outside the vocabulary [0, 16)");
}

}  // namespace
}  // namespace seqscope::compute::checkpoint
