// `seqscope bench` (cmd_bench.h). The Eigen rows time the compute functions the backend calls
// (compute/bench/benchmark.h); the Vulkan rows run the Vulkan backend on sessions of the same shapes
// and report its GPU timestamps per kernel, bounded by the device's own measured limits
// (vk::measure_device_limits) for the ops with a cost model (compute::sweep_session_op_cost).
#include "app/cmd_bench.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>
#include <string>

#include "compute/bench/benchmark.h"
#include "compute/bench/generated_cases.h"
#include "compute/bench/train_bench.h"
#include "compute/session/inputs.h"
#include "compute/vulkan/device_limits.h"
#include "compute/vulkan/vulkan_backend.h"
#include "core/atomic_file.h"
#include "gpu/context.h"

namespace seqscope::app {

CLI::App* add_bench_command(CLI::App& cli, BenchOptions& options) {
  CLI::App* bench = cli.add_subcommand("bench", "Measure the machine's limits and every op against them");
  bench->add_flag("--quick", options.quick, "Fewer repeats and a shorter hidden-attention sweep (< 1 min)");
  bench->add_option("--backend", options.backend, "Backends to time")->check(CLI::IsMember({"eigen", "vulkan", "all"}));
  bench->add_option("--json", options.json, "Also write the report as JSON to FILE");
  bench->add_flag("--train", options.train,
                  "Time a training step of MM and *-*- (d_model 64, L 256, batch 32) instead of the ops");
  return bench;
}

namespace {

void print_row(const compute::BenchResult& r) {
  std::fprintf(stderr, "  %-24s %-6s L=%-6d %s\n", r.op.c_str(), r.backend.c_str(), r.shape.L,
               r.available ? (std::to_string(r.ms) + " ms").c_str() : "n/a");
}

// Per op, the median of each run's GPU timestamps for `session` (after a warm-up run for
// pipelines and buffers): 3 runs (5 without quick), fewer where the runs pass 1 s (4 s).
std::map<std::string, double> median_vulkan_timings(vk::VulkanBackend& backend, const compute::Session& session,
                                                    bool quick) {
  const compute::Inputs inputs = compute::make_inputs(session);
  backend.run(session, inputs);
  return vk::median_timings_ms(backend, session, inputs, quick ? 3 : 5, quick ? 1.0 : 4.0);
}

// A row per kernel timestamp of `session` (median_vulkan_timings), bounded by the device's
// limits where the op has a cost model.
void add_vulkan_session_rows(vk::VulkanBackend& backend, const compute::Session& session, compute::BenchShape shape,
                             const std::string& note, bool quick, compute::BenchReport& report) {
  for (const auto& [op, ms] : median_vulkan_timings(backend, session, quick)) {
    compute::BenchResult r{"vulkan." + op, "vulkan", shape};
    r.ms = ms;
    r.note = note;
    if (const auto cost = compute::session_op_cost(session, op)) {
      r.bytes = cost->bytes, r.flops = cost->flops;
      compute::apply_bound(r, report.device_limits);
    } else {
      r.note += "; no bound modeled";
    }
    print_row(r);
    report.results.push_back(r);
  }
}

// The generated parity suite's cases (compute/bench/generated_cases.h), the shapes the parity
// tests check; quick: those under a tenth of the per-case budget.
void add_generated_case_rows(vk::VulkanBackend& backend, bool quick, compute::BenchReport& report) {
  const auto keep = [&](const compute::Session& s) {
    return !quick || compute::case_cost(s) < compute::kGeneratedCaseFlops / 10;
  };
  for (const compute::AttentionCase& c : compute::generated_attention_cases(compute::kGeneratedAttentionCases)) {
    const compute::Session s = compute::session_of(c);
    if (keep(s))
      add_vulkan_session_rows(backend, s, {c.L, s.d_model, s.ssm.state_size, c.H, c.dh}, "case " + c.name, quick, report);
  }
  for (const compute::SsmCase& c : compute::generated_ssm_cases(compute::kGeneratedSsmCases)) {
    const compute::Session s = compute::session_of(c);
    if (keep(s))
      add_vulkan_session_rows(backend, s, {c.L, c.D, c.N, s.attention.heads, s.attention.head_dim}, "case " + c.name, quick,
                              report);
  }
}

// The Vulkan backend on the sweep sessions, then on the generated parity cases: one row per
// kernel timestamp.
void add_vulkan_rows(bool quick, compute::BenchReport& report) {
  auto [context, status] = gpu::Context::create(gpu::options_from_environment(gpu::ContextOptions{}));
  if (!context) {
    compute::BenchResult r{"vulkan", "vulkan"};
    r.available = false;
    r.note = "no Vulkan device: " + status.message();
    report.results.push_back(r);
    return;
  }
  std::fprintf(stderr, "measuring the Vulkan device's limits...\n");
  report.device_limits = vk::measure_device_limits(*context, quick);
  vk::VulkanBackend backend(*context);
  const std::string device = "GPU timestamps on " + context->device_info().name;
  // The Vulkan rows' shapes come from the case table (compute/bench/cases.h), as the Eigen rows'.
  for (const compute::BenchShape& shape : compute::vulkan_bench_shapes(quick))
    add_vulkan_session_rows(backend, compute::bench_sweep_session(shape.L), shape, device, quick, report);
  add_generated_case_rows(backend, quick, report);
}

}  // namespace

int run_bench(const BenchOptions& options) {
  std::fprintf(stderr, "measuring the machine's limits...\n");
  const compute::MachineLimits machine = compute::measure_machine(options.quick);
  compute::BenchReport report;
  report.machine = machine;
  if (options.train) {
    report.results = compute::run_train_bench(options.quick, machine, print_row);
  } else {
    if (options.backend != "vulkan") report = compute::run_eigen_bench(options.quick, machine, print_row);
    if (options.backend != "eigen") add_vulkan_rows(options.quick, report);
  }
  std::fputs(compute::bench_table(report).c_str(), stdout);
  if (!options.json.empty()) compute::write_file_atomic(options.json, compute::bench_to_json(report).dump(2) + "\n");
  return 0;
}

}  // namespace seqscope::app
