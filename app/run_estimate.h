// Before a heavy headless run (seqscope export): how much memory its Results take (the Eigen
// backend's estimate, compute/backend/eigen_backend.h) and how long it will take, extrapolated
// from two short runs of the same layers (L = 1024 and 2048: time = a·L + b·L², which holds the
// SSM's linear and the maps' quadratic terms). It says so in one line above ~4 GB or ~60 s, and
// refuses a run larger than the machine's free memory unless --force (docs/cli.md).
#pragma once
#include <cstdio>
#include <string>

#include "compute/session/session.h"

namespace seqscope::app {

struct RunEstimate {
  double bytes = 0.0;    // Results in memory
  double seconds = -1.0; // negative: not estimated (short runs, or not the Eigen backend)
};

// Sessions shorter than this are not timed beforehand: they take a few seconds at most.
inline constexpr int kEstimateFromLength = 8192;
inline constexpr double kLargeRunBytes = 4e9;
inline constexpr double kLongRunSeconds = 60.0;

RunEstimate estimate_run(const compute::Session& session, bool eigen_backend);
// MemAvailable of /proc/meminfo in bytes; 0 when unknown.
double available_memory_bytes();
// Throws the one-line UserError when results of `bytes` exceed `free_bytes` (0: unknown, never
// refused); `anyway` ends the line with what the user may do instead ("" for nothing).
void refuse_over_free_memory(double bytes, double free_bytes, const std::string& anyway);
// Prints the one-line warning to `out` for a large or long run; throws UserError when the run
// needs more memory than is free and force is false.
void check_run_size(const RunEstimate& estimate, double free_bytes, bool force, std::FILE* out);

}  // namespace seqscope::app
