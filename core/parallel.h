// parallel_for: split an index range over the CPU's hardware threads. Used by the Eigen
// backend for work that is independent per channel, per head or per row block; callers keep
// small ranges on the calling thread via min_per_thread. The chunks run on one process-wide
// pool (Eigen's ThreadPool, started on first use), whose threads spin a few tens of
// microseconds after a task before they sleep: back-to-back ops (a recompute, a sweep) do not
// pay a thread start (8-60 us on the 2-vCPU VM) each.
//
// Cancellation: while a CancelScope lives on a thread, the parallel regions it starts stop
// handing out items once the scope's flag is set, and then throw Cancelled; check_cancelled()
// does the same between the stages of a run. A background recompute that an edit has made
// obsolete ends that way at its next item instead of running to the end (app/workspace.cpp).
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>

namespace seqscope::compute {

// Below about this many multiply-adds a second worker costs more than it saves: a wake-up is
// a few microseconds on a quiet machine, but on a loaded one the second thread may wait a
// whole scheduler slice (~4 ms) for a core, so small ops stay on the calling thread.
inline constexpr int64_t kMinWorkPerThread = int64_t{1} << 21;

// Threads the Eigen backend uses: SEQSCOPE_THREADS if set (>= 1), else hardware_concurrency().
int worker_count();

// Thrown by parallel regions and check_cancelled() once the current CancelScope's flag is set.
struct Cancelled : std::exception {
  const char* what() const noexcept override { return "cancelled"; }
};

// Makes flag the calling thread's cancellation flag until the scope ends (scopes nest).
class CancelScope {
 public:
  explicit CancelScope(const std::atomic<bool>* flag);
  ~CancelScope();
  CancelScope(const CancelScope&) = delete;
  CancelScope& operator=(const CancelScope&) = delete;

 private:
  const std::atomic<bool>* previous_;
};

// The calling thread's cancellation flag (null outside any CancelScope).
const std::atomic<bool>* cancel_flag();
inline bool cancelled(const std::atomic<bool>* flag) { return flag && flag->load(std::memory_order_relaxed); }
// Throws Cancelled when the calling thread's flag is set.
inline void check_cancelled() {
  if (cancelled(cancel_flag())) throw Cancelled();
}

// Runs task(w) for every w in [0, workers): w = 0 on the calling thread, the others on the
// pool, and returns when all have returned. An exception thrown by any of them is rethrown
// here, on the calling thread, once all have returned (the calling thread's own first).
// Called from a pool thread (a nested parallel region) it runs them all on that thread, so
// that no pool thread waits on another.
void run_workers(int64_t workers, const std::function<void(int64_t)>& task);

// Calls fn(begin, end, worker) on contiguous chunks of [0, n): at most worker_count() chunks,
// none smaller than min_per_thread items (so small n runs on the calling thread).
template <typename Fn>
void parallel_for(int64_t n, int64_t min_per_thread, Fn&& fn) {
  const int64_t by_size = std::max<int64_t>(1, n / std::max<int64_t>(1, min_per_thread));
  const int64_t workers = std::min<int64_t>(worker_count(), by_size);
  if (workers <= 1 || n <= 1) {
    if (n > 0) fn(int64_t{0}, n, 0);
    check_cancelled();
    return;
  }
  const int64_t chunk = (n + workers - 1) / workers;
  run_workers(workers, [&fn, n, chunk](int64_t w) {
    const int64_t begin = w * chunk, end = std::min(n, begin + chunk);
    if (begin < end) fn(begin, end, static_cast<int>(w));
  });
  check_cancelled();
}

// Like parallel_for, but worker w takes items w, w + workers, w + 2 workers, ...: balances
// triangular work (row t of a causal map costs ~t).
template <typename Fn>
void parallel_strided(int64_t n, int64_t min_per_thread, Fn&& fn) {
  const int64_t by_size = std::max<int64_t>(1, n / std::max<int64_t>(1, min_per_thread));
  const int64_t workers = std::min<int64_t>(worker_count(), by_size);
  const std::atomic<bool>* flag = cancel_flag();  // the pool's threads have scopes of their own
  const auto run = [&fn, n, workers, flag](int64_t w) {
    for (int64_t i = w; i < n && !cancelled(flag); i += workers) fn(i, static_cast<int>(w));
  };
  run_workers(workers, run);
  check_cancelled();
}

}  // namespace seqscope::compute
