// worker_count and run_workers (parallel.h): SEQSCOPE_THREADS is read once; the pool is Eigen's
// non-blocking ThreadPool with worker_count() - 1 threads, the calling thread being the other.
#include "core/parallel.h"

#include <atomic>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <unsupported/Eigen/CXX11/ThreadPool>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace seqscope::compute {

int worker_count() {
  static const int count = [] {
    if (const char* env = std::getenv("SEQSCOPE_THREADS")) {
      const int n = std::atoi(env);
      if (n >= 1) return n;
    }
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }();
  return count;
}

namespace {

thread_local const std::atomic<bool>* current_cancel_flag = nullptr;

}  // namespace

CancelScope::CancelScope(const std::atomic<bool>* flag) : previous_(current_cancel_flag) { current_cancel_flag = flag; }

CancelScope::~CancelScope() { current_cancel_flag = previous_; }

const std::atomic<bool>* cancel_flag() { return current_cancel_flag; }

namespace {

Eigen::ThreadPool& pool() {
  static Eigen::ThreadPool threads(std::max(1, worker_count() - 1));
  return threads;
}

void cpu_relax() {
#if defined(__SSE2__)
  _mm_pause();
#else
  std::this_thread::yield();
#endif
}

// The pool's tasks of one run_workers call. Shared with them, so that the last task to finish
// may still touch it after the caller has seen the count reach 0 and returned. The first
// exception a pool task throws (bad_alloc in thread-local scratch, Cancelled, a UserError) is
// kept here and rethrown on the caller: an exception leaving a pool thread would end the process.
struct Pending {
  std::atomic<int64_t> tasks;
  std::mutex error_mutex;
  std::exception_ptr error;

  void keep_first(std::exception_ptr e) {
    const std::lock_guard<std::mutex> lock(error_mutex);
    if (!error) error = std::move(e);
  }
};

// The caller spins ~20 us (400 pauses) for the pool's tasks before it sleeps.
constexpr int kSpinsBeforeSleep = 400;

void wait_for(const Pending& pending) {
  for (int i = 0; i < kSpinsBeforeSleep && pending.tasks.load(std::memory_order_acquire) != 0; ++i) cpu_relax();
  for (int64_t left = pending.tasks.load(std::memory_order_acquire); left != 0;
       left = pending.tasks.load(std::memory_order_acquire))
    pending.tasks.wait(left, std::memory_order_acquire);
}

}  // namespace

void run_workers(int64_t workers, const std::function<void(int64_t)>& task) {
  if (workers <= 1 || pool().CurrentThreadId() != -1) {
    for (int64_t w = 0; w < workers; ++w) task(w);
    return;
  }
  const auto pending = std::make_shared<Pending>();
  pending->tasks.store(workers - 1);
  for (int64_t w = 1; w < workers; ++w)
    pool().Schedule([pending, &task, w] {
      try {
        task(w);
      } catch (...) {
        pending->keep_first(std::current_exception());
      }
      if (pending->tasks.fetch_sub(1, std::memory_order_acq_rel) == 1) pending->tasks.notify_all();
    });
  // The pool's tasks hold references to task: wait for them even when this thread's part throws
  // (Cancelled from a nested region, for one). The caller's own exception wins over the pool's.
  std::exception_ptr error;
  try {
    task(0);
  } catch (...) {
    error = std::current_exception();
  }
  wait_for(*pending);
  if (!error) error = pending->error;  // the tasks are done: no lock needed
  if (error) std::rethrow_exception(error);
}

}  // namespace seqscope::compute
