#include "app/run_estimate.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "compute/backend/eigen_backend.h"
#include "compute/session/inputs.h"
#include "compute/session/map_overview.h"

namespace seqscope::app {
namespace {

constexpr int k_probe_short = 1024, k_probe_long = 2048;

// Seconds the Eigen backend takes for the session's layers on a signal of `length` steps, with
// its maps pooled when the full run's are (pooled maps cost far less than whole ones).
double probe_seconds(const compute::Session& session, int length, bool pooled) {
  compute::Session probe = session;
  probe.input.kind = compute::InputKind::Signal;
  probe.input.length = length;
  probe.cursor = 0;
  if (pooled) probe.full_map_max_length = 1;
  const compute::Inputs inputs = compute::make_inputs(probe);
  const auto start = std::chrono::steady_clock::now();
  compute::run_eigen(probe, inputs);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string gigabytes(double bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f GB", bytes / 1e9);
  return text;
}

}  // namespace

RunEstimate estimate_run(const compute::Session& session, bool eigen_backend) {
  const int L = compute::sequence_length(session);
  RunEstimate estimate;
  estimate.bytes = compute::estimate_result_bytes(session, L);
  if (!eigen_backend || L < kEstimateFromLength) return estimate;
  // t(L) = a L + b L^2 through the two probes, each term kept >= 0.
  const bool pooled = compute::maps_pooled(session, L);
  const double t1 = probe_seconds(session, k_probe_short, pooled), t2 = probe_seconds(session, k_probe_long, pooled);
  const double l1 = k_probe_short, l2 = k_probe_long;
  double b = (t2 / l2 - t1 / l1) / (l2 - l1);
  double a = t1 / l1 - b * l1;
  if (b < 0.0) b = 0.0, a = t2 / l2;
  if (a < 0.0) a = 0.0, b = t2 / (l2 * l2);
  estimate.seconds = a * L + b * static_cast<double>(L) * L;
  return estimate;
}

double available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    if (line.rfind("MemAvailable:", 0) != 0) continue;
    std::istringstream fields(line.substr(13));
    double kib = 0.0;
    fields >> kib;
    return kib * 1024.0;
  }
  return 0.0;
}

void refuse_over_free_memory(double bytes, double free_bytes, const std::string& anyway) {
  if (free_bytes <= 0.0 || bytes <= free_bytes) return;
  throw compute::UserError("this run needs about " + gigabytes(bytes) + " of memory for its results and " +
                           gigabytes(free_bytes) +
                           " are free: shorten the input or use fewer heads, channels or α channels" + anyway);
}

void check_run_size(const RunEstimate& estimate, double free_bytes, bool force, std::FILE* out) {
  if (!force) refuse_over_free_memory(estimate.bytes, free_bytes, " (or pass --force to try anyway)");
  const bool large = estimate.bytes > kLargeRunBytes, long_run = estimate.seconds > kLongRunSeconds;
  if (!large && !long_run) return;
  std::string line = "seqscope: a large run: about " + gigabytes(estimate.bytes) + " of results";
  if (estimate.seconds >= 0.0) {
    char time[96];
    std::snprintf(time, sizeof time, " and about %.0f s (timed at L = %d and %d)", estimate.seconds, k_probe_short,
                  k_probe_long);
    line += time;
  }
  std::fprintf(out, "%s\n", line.c_str());
}

}  // namespace seqscope::app
