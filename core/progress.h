// Stage progress of a run, for a progress bar (the window's first frame, a long recompute): the
// stages of a Results computation (ssm.discretize, ssm.scan, ..., attention: the names of
// Results::timings_ms) report when they finish to the calling thread's StageProgress, if any,
// the way parallel regions see the thread's cancellation flag (core/parallel.h).
#pragma once
#include <atomic>
#include <mutex>
#include <string>
#include <string_view>

namespace seqscope::compute {

struct StageProgress {
  std::atomic<int> done{0};  // stages finished so far

  std::string last_stage() const;  // the name of the last one ("" before the first)
  void finish(std::string_view stage);

 private:
  mutable std::mutex mutex_;
  std::string last_;
};

// Makes `progress` the calling thread's sink until the scope ends (scopes nest).
class ProgressScope {
 public:
  explicit ProgressScope(StageProgress* progress);
  ~ProgressScope();
  ProgressScope(const ProgressScope&) = delete;
  ProgressScope& operator=(const ProgressScope&) = delete;

 private:
  StageProgress* previous_;
};

// Reports that `stage` finished, to the calling thread's StageProgress (nothing outside a scope).
void report_stage(std::string_view stage);

}  // namespace seqscope::compute
