#include "core/progress.h"

namespace seqscope::compute {
namespace {

thread_local StageProgress* current_progress = nullptr;

}  // namespace

std::string StageProgress::last_stage() const {
  const std::lock_guard lock(mutex_);
  return last_;
}

void StageProgress::finish(std::string_view stage) {
  {
    const std::lock_guard lock(mutex_);
    last_ = stage;
  }
  done.fetch_add(1, std::memory_order_relaxed);
}

ProgressScope::ProgressScope(StageProgress* progress) : previous_(current_progress) { current_progress = progress; }

ProgressScope::~ProgressScope() { current_progress = previous_; }

void report_stage(std::string_view stage) {
  if (current_progress) current_progress->finish(stage);
}

}  // namespace seqscope::compute
