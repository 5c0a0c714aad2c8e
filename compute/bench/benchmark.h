// Benchmarks against the machine's own limits (docs/performance.md). First the limits: memory
// copy bandwidth (STREAM-like copy on every core, read + write bytes) and FMA peak (independent
// fused multiply-adds at the widest SIMD width Eigen compiles for, every core). Then each op
// the Eigen backend runs, at fixed shapes, timed as the median of repeats, with the bound
// bound_ms = max(bytes / copy bandwidth, flops / FMA peak) from the op's own byte and flop
// counts (an exp counts as kExpFlops). The shapes of the rows are the case table's
// (cases.h). No ImGui, no Vulkan: the app adds other backends' rows.
//
// Index (each part starts at a "// [SECTION] name" line):
//   the Cost panel's measured sweep
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <atomic>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "compute/bench/cases.h"
#include "compute/session/session.h"

namespace seqscope::compute {

inline constexpr double kExpFlops = 20.0;  // one exp (or expm1) counts as 20 flops

struct MachineLimits {
  double copy_gbps = 0.0;   // (bytes read + bytes written) / s of a large memcpy on all cores
  double fma_gflops = 0.0;  // 2 flops per FMA lane, all cores
  int cores = 0;            // worker threads used (hardware threads)
  std::string device;       // CPU model name
};

MachineLimits measure_machine(bool quick);
double measure_copy_gbps(int threads, bool quick);
double measure_fma_gflops(int threads, bool quick);

struct BenchResult {
  std::string op;       // "selective_scan", "softmax_attention", ...
  std::string backend;  // "eigen", "vulkan"
  BenchShape shape;
  bool available = true;  // false: the path does not exist; note says why
  std::string note;
  double ms = 0.0;     // median of repeats
  double bytes = 0.0;  // bytes moved (read + written), docs/performance.md
  double flops = 0.0;
  double bound_ms = 0.0;            // 0: no bound modeled (GPU rows)
  double fraction_of_bound = 0.0;  // bound_ms / ms
  // Training-step rows only (train_bench.h; pattern empty elsewhere): the model's pattern,
  // sequences per step, tokens per second, and the peak resident memory the steps added.
  std::string pattern;
  int batch = 0;
  double tokens_per_s = 0.0;
  double peak_memory_mb = 0.0;
};

struct BenchReport {
  MachineLimits machine;
  // The Vulkan device's measured limits (vk::measure_device_limits), bounding the vulkan rows;
  // empty (copy_gbps 0) when no Vulkan row was run: JSON null.
  MachineLimits device_limits;
  std::vector<BenchResult> results;
  // NaN until measured (e.g. `--backend vulkan` runs no Eigen op): "n/a" and JSON null.
  double slope_ssm = std::numeric_limits<double>::quiet_NaN();  // selective_scan ms over L >= 1024
  double slope_attention = std::numeric_limits<double>::quiet_NaN();  // same for softmax_attention
  double recompute_default_ms = std::numeric_limits<double>::quiet_NaN();
};

// Fills bound_ms and fraction_of_bound from bytes, flops, ms and the limits.
void apply_bound(BenchResult& r, const MachineLimits& m);

// Bytes and flops of one op as docs/performance.md counts them (an exp is kExpFlops).
struct OpCost {
  double bytes = 0.0, flops = 0.0;
};
OpCost selective_scan_cost(int L, int D, int N);  // y only, as a model layer runs it
OpCost softmax_attention_cost(int L, int dh);     // causal, one head, both [L, L] maps written
// The Vulkan backend's timed ops on bench_sweep_session(L): "ssm_scan" (the selective scan with
// Abar, Bbar, h materialized as complex [L, D, N] for the panels), "attention" (softmax with
// full maps) and "hidden_attention" (one channel's alpha [L, L]); nullopt for the others.
std::optional<OpCost> sweep_session_op_cost(const std::string& op, int L);
// The same for any session: "ssm_scan" and "hidden_attention" of a unidirectional real S6,
// "attention" of softmax with full maps (any mask, heads, width); nullopt for the rest.
std::optional<OpCost> session_op_cost(const Session& session, const std::string& op);
// Median wall time of fn over `repeats` runs after one warm-up run, in ms.
double median_ms(const std::function<void()>& fn, int repeats);
// Least-squares slope of log y over log x for the points with x >= x_min (NaN if < 2 points).
double loglog_slope(const std::vector<double>& x, const std::vector<double>& y, double x_min);

// Every row of eigen_bench_cases(quick) (quick: fewer repeats, and without the full_only rows),
// the default session's recompute, and the slopes. progress (optional) gets one line per result.
BenchReport run_eigen_bench(bool quick, const MachineLimits& machine,
                            const std::function<void(const BenchResult&)>& progress = {});
// Recomputes slope_ssm and slope_attention from the eigen rows of report.results.
void fit_slopes(BenchReport& report);

// [SECTION] the Cost panel's measured sweep
// The bench's selective-scan and softmax sweeps at quick sizes on one backend, with the fitted
// log-log slopes: what "Measure sweep" in the Cost panel shows (docs/performance.md). The Eigen
// timer is here; the app supplies the Vulkan one (GPU timestamps of the backend's kernels).

enum class SweepOp { Ssm, Attention };

struct SweepPoint {
  int L = 0;
  double ms = 0.0;  // median of repeats
};

struct CostSweep {
  std::string backend;  // "eigen", "vulkan"
  std::string device;   // CPU model or GPU name
  std::string ssm_op, attention_op;  // what was timed, with its shape, for the legend and tooltip
  std::vector<SweepPoint> ssm, attention;
  double slope_ssm = std::numeric_limits<double>::quiet_NaN();  // log-log over L >= kSweepFitMinLength
  double slope_attention = std::numeric_limits<double>::quiet_NaN();
  double wall_ms = 0.0;     // the whole sweep, wall clock
  bool cancelled = false;   // stopped early: the points so far, no slopes
};

inline constexpr double kSweepFitMinLength = 1024.0;  // as the bench's slopes

struct SweepPlan {
  std::vector<int> ssm_lengths, attention_lengths;
};
// Eigen: selective scan L = 256 .. 65536 and softmax L = 256 .. 4096 (x2): about 1-3 s on two
// cores. The softmax stops at 4096 because its two [L, L] maps are 128 MiB there.
SweepPlan quick_sweep_plan();

// Milliseconds of one op at length L.
using SweepTimer = std::function<double(SweepOp op, int L)>;
// The bench's selective_scan (kSweepShape: D = 64, N = 16, y only) and causal softmax (H = 1,
// dh = 64, full maps) ops, each the median of a few runs after a warm-up.
SweepTimer eigen_sweep_timer();

// The session the Vulkan rows of `seqscope bench` and the Vulkan sweep run: a signal of length L
// at kSweepShape (cases.h): D = 64, N = 16, one causal softmax head of width 64.
Session bench_sweep_session(int L);

// Times every point of the plan (SSM lengths first, then attention), calling progress(done,
// total) after each; stops before the next point once *cancel is true. Fits the slopes.
CostSweep run_cost_sweep(const SweepPlan& plan, const SweepTimer& timer,
                         const std::function<void(int done, int total)>& progress = {},
                         const std::atomic<bool>* cancel = nullptr);

// run_cost_sweep with quick_sweep_plan() and eigen_sweep_timer(), labelled (backend "eigen",
// the CPU model, the ops and their shapes).
CostSweep run_eigen_sweep(const std::function<void(int done, int total)>& progress = {},
                          const std::atomic<bool>* cancel = nullptr);

nlohmann::json bench_to_json(const BenchReport& report);
// The terminal table: machine line, one row per result, slopes, recompute.
std::string bench_table(const BenchReport& report);

}  // namespace seqscope::compute
