// `seqscope bench --train` (train_bench.h). Sections:
//   1 the rows and their models
//   2 the flop count of a step
//   3 peak memory (Linux /proc)
//   4 timing
#include "compute/bench/train_bench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "compute/train/trainer.h"
#include "core/parallel.h"

namespace seqscope::compute {

// [SECTION] the rows and their models

std::vector<TrainBenchCase> train_bench_cases() {
  return {TrainBenchCase{.pattern = "MM"}, TrainBenchCase{.pattern = "*-*-"}};
}

model::ModelConfig train_bench_config(const TrainBenchCase& c) {
  model::ModelConfig config;
  config.pattern = c.pattern;
  config.vocab_size = c.vocab;
  config.d_model = c.d_model;
  config.d_state = c.d_state;
  config.n_heads = c.n_heads;
  model::resolve_defaults(config);
  model::validate_config(config);
  return config;
}

// [SECTION] the flop count of a step

namespace {

// A linear layer [L, in] -> [L, out] over a step: the forward product and the backward's two
// (d input, d weight) of the same size.
double linear_step(double L, double in, double out) {
  return 3.0 * 2.0 * L * in * out;
}

// RMSNorm over [L, d]: about 4 flops per element forward and 8 backward.
double norm_step(double L, double d) {
  return 12.0 * L * d;
}

double mamba_step(const model::ModelConfig& c, double L) {
  const double d = c.d_model, di = c.d_inner(), N = c.d_state, R = c.dt_rank, k = c.d_conv;
  double flops = linear_step(L, d, 2 * di) + linear_step(L, di, R + 2 * N) + linear_step(L, R, di) +
                 linear_step(L, di, d);
  flops += 3.0 * 2.0 * L * di * k;  // the depthwise conv
  // SiLU after the conv and on the gate, and the softplus of delta: an exp forward and one
  // backward each.
  flops += 6.0 * L * di * kExpFlops;
  // The scan per (t, channel, state): exp(delta A) in the forward and again in the backward's
  // recompute, about 6 + 4 flops for the two state updates and outputs, 20 for the reverse
  // recurrence (selective_scan.h).
  flops += L * di * N * (2.0 * kExpFlops + 30.0);
  return flops;
}

double s4_step(const model::ModelConfig& c, double L) {
  const double d = c.d_model, di = c.d_inner(), N = c.d_state, k = c.d_conv;
  double flops = linear_step(L, d, 2 * di) + linear_step(L, di, d) + 3.0 * 2.0 * L * di * k;
  flops += 4.0 * L * di * kExpFlops;  // the two SiLUs
  flops += di * N * 2.0 * kExpFlops;  // Abar and Bbar, once per sequence
  flops += L * di * N * 15.0;         // the recurrence, forward and reverse
  return flops;
}

double attention_step(const model::ModelConfig& c, double L) {
  const double d = c.d_model, H = c.n_heads;
  const double pairs = L * (L + 1) / 2;  // the causal lower triangle, per head
  double flops = 4.0 * linear_step(L, d, d);
  // Forward q k^T and p v (2 pairs * dh each per head), backward four products of that size.
  flops += 6.0 * 2.0 * pairs * d;
  flops += H * pairs * (kExpFlops + 5.0);  // the softmax forward, its backward's few flops
  return flops;
}

double mlp_step(const model::ModelConfig& c, double L) {
  const double d = c.d_model, ff = c.d_ff;
  return linear_step(L, d, ff) + linear_step(L, ff, d) + 2.0 * L * ff * kExpFlops;
}

}  // namespace

OpCost train_step_cost(const model::ModelConfig& c, int length, int batch) {
  const double L = length;
  double flops = linear_step(L, c.d_model, c.vocab_size) + L * c.vocab_size * kExpFlops;  // head, loss
  flops += norm_step(L, c.d_model) * (c.n_layer() + 1);
  for (char kind : c.pattern) {
    if (kind == 'M') flops += mamba_step(c, L);
    if (kind == 'S') flops += s4_step(c, L);
    if (kind == '*') flops += attention_step(c, L);
    if (kind == '-') flops += mlp_step(c, L);
  }
  return OpCost{0.0, flops * batch};
}

// [SECTION] peak memory (Linux /proc)

namespace {

// A field of /proc/self/status in kB ("VmRSS", "VmHWM"), -1 when it cannot be read.
double proc_status_kb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1));
  return -1.0;
}

// Resets the process's peak resident size to its current size (Linux: "5" to clear_refs).
bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace

// [SECTION] timing

namespace {

BenchResult time_train_case(const TrainBenchCase& c, bool quick, const MachineLimits& machine) {
  const model::ModelConfig config = train_bench_config(c);
  train::TrainSettings settings;
  settings.task = TaskSpec{.kind = TaskKind::SelectiveCopy, .vocab = c.vocab, .length = c.L, .num_tokens = 4};
  settings.batch = c.batch;
  const int warmup = quick ? 1 : 2, timed = quick ? 3 : 10;
  settings.steps = warmup + timed;
  settings.eval_samples = 0;

  using Clock = std::chrono::steady_clock;
  std::vector<double> step_ms;
  Clock::time_point last = Clock::now();
  train::TrainCallbacks callbacks;
  callbacks.on_step = [&](const train::StepRecord&, const model::Parameters<float>&) {
    const Clock::time_point now = Clock::now();
    step_ms.push_back(std::chrono::duration<double, std::milli>(now - last).count());
    last = now;
  };
  const double rss_before_kb = proc_status_kb("VmRSS");
  const bool peak_reset = reset_peak_rss();
  last = Clock::now();
  train::train(config, settings, callbacks);
  const double peak_kb = proc_status_kb("VmHWM");

  BenchResult r{"train_step", "eigen", BenchShape{c.L, c.d_model, c.d_state, c.n_heads, config.head_dim()}};
  r.pattern = c.pattern;
  r.batch = c.batch;
  std::vector<double> timed_ms(step_ms.begin() + std::min<size_t>(warmup, step_ms.size()), step_ms.end());
  std::sort(timed_ms.begin(), timed_ms.end());
  r.ms = timed_ms.empty() ? 0.0 : timed_ms[timed_ms.size() / 2];
  r.flops = train_step_cost(config, c.L, c.batch).flops;
  apply_bound(r, machine);
  r.tokens_per_s = r.ms > 0.0 ? static_cast<double>(c.batch) * c.L / (r.ms / 1e3) : 0.0;
  r.peak_memory_mb = peak_kb > 0.0 && rss_before_kb > 0.0 ? (peak_kb - rss_before_kb) / 1024.0 : 0.0;
  char note[160];
  std::snprintf(note, sizeof note, "%s, batch %d: %.0f tokens/s, +%.1f MB peak%s", c.pattern.c_str(), c.batch,
                r.tokens_per_s, r.peak_memory_mb, peak_reset ? "" : " (process peak: clear_refs refused)");
  r.note = note;
  return r;
}

}  // namespace

std::vector<BenchResult> run_train_bench(bool quick, const MachineLimits& machine,
                                         const std::function<void(const BenchResult&)>& progress) {
  std::vector<BenchResult> rows;
  for (const TrainBenchCase& c : train_bench_cases()) {
    rows.push_back(time_train_case(c, quick, machine));
    if (progress) progress(rows.back());
  }
  return rows;
}

}  // namespace seqscope::compute
