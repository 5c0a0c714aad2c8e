// Benchmarks against the machine's own limits (docs/performance.md). First the limits: memory
// copy bandwidth (STREAM-like copy on every core, read + write bytes) and FMA peak (independent
// fused multiply-adds at the widest SIMD width Eigen compiles for, every core). Then each op
// the Eigen backend runs, at fixed shapes, timed as the median of repeats, with the bound
// bound_ms = max(bytes / copy bandwidth, flops / FMA peak) from the op's own byte and flop
// counts (an exp counts as kExpFlops). No ImGui, no Vulkan: the app adds other backends' rows.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "session.h"

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

struct BenchShape {
  int L = 0, D = 0, N = 0, H = 0, dh = 0;
};

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
};

struct BenchReport {
  MachineLimits machine;
  std::vector<BenchResult> results;
  // NaN until measured (e.g. `--backend vulkan` runs no Eigen op): "n/a" and JSON null.
  double slope_ssm = std::numeric_limits<double>::quiet_NaN();  // selective_scan ms over L >= 1024
  double slope_attention = std::numeric_limits<double>::quiet_NaN();  // same for softmax_attention
  double recompute_default_ms = std::numeric_limits<double>::quiet_NaN();
};

// Fills bound_ms and fraction_of_bound from bytes, flops, ms and the limits.
void apply_bound(BenchResult& r, const MachineLimits& m);
// Median wall time of fn over `repeats` runs after one warm-up run, in ms.
double median_ms(const std::function<void()>& fn, int repeats);
// Least-squares slope of log y over log x for the points with x >= x_min (NaN if < 2 points).
double loglog_slope(const std::vector<double>& x, const std::vector<double>& y, double x_min);

// Every Eigen op at its shapes (quick: fewer repeats, shorter hidden-attention sweep), the
// default session's recompute, and the slopes. progress (optional) gets one line per result.
BenchReport run_eigen_bench(bool quick, const MachineLimits& machine,
                            const std::function<void(const BenchResult&)>& progress = {});
// Recomputes slope_ssm and slope_attention from the eigen rows of report.results.
void fit_slopes(BenchReport& report);

nlohmann::json bench_to_json(const BenchReport& report);
// The terminal table: machine line, one row per result, slopes, recompute.
std::string bench_table(const BenchReport& report);

}  // namespace seqscope::compute
