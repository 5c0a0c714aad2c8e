// parallel_for: split an index range over the CPU's hardware threads with std::thread (no
// OpenMP, no global pool). Used by the Eigen backend for work that is independent per channel,
// per head or per row block; callers keep small ranges on the calling thread via min_per_thread.
#pragma once
#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

namespace seqscope::compute {

// Below about this many multiply-adds a worker thread costs more than it saves: a start is
// ~20 us on a quiet machine, but on a loaded one the second thread may wait a whole scheduler
// slice (~4 ms) for a core, so small ops stay on the calling thread.
inline constexpr int64_t kMinWorkPerThread = int64_t{1} << 21;

// Threads the Eigen backend uses: SEQSCOPE_THREADS if set (>= 1), else hardware_concurrency().
int worker_count();

// Calls fn(begin, end, worker) on contiguous chunks of [0, n): at most worker_count() chunks,
// none smaller than min_per_thread items (so small n runs on the calling thread).
template <typename Fn>
void parallel_for(int64_t n, int64_t min_per_thread, Fn&& fn) {
  const int64_t by_size = std::max<int64_t>(1, n / std::max<int64_t>(1, min_per_thread));
  const int64_t workers = std::min<int64_t>(worker_count(), by_size);
  if (workers <= 1 || n <= 1) {
    if (n > 0) fn(int64_t{0}, n, 0);
    return;
  }
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(workers - 1));
  const int64_t chunk = (n + workers - 1) / workers;
  for (int64_t w = 1; w < workers; ++w) {
    const int64_t begin = w * chunk, end = std::min(n, begin + chunk);
    if (begin >= end) break;
    threads.emplace_back([&fn, begin, end, w] { fn(begin, end, static_cast<int>(w)); });
  }
  fn(int64_t{0}, std::min(n, chunk), 0);  // the calling thread takes the first chunk
  for (std::thread& t : threads) t.join();
}

// Like parallel_for, but worker w takes items w, w + workers, w + 2 workers, ...: balances
// triangular work (row t of a causal map costs ~t).
template <typename Fn>
void parallel_strided(int64_t n, int64_t min_per_thread, Fn&& fn) {
  const int64_t by_size = std::max<int64_t>(1, n / std::max<int64_t>(1, min_per_thread));
  const int64_t workers = std::min<int64_t>(worker_count(), by_size);
  const auto run = [&fn, n, workers](int64_t w) {
    for (int64_t i = w; i < n; i += workers) fn(i, static_cast<int>(w));
  };
  std::vector<std::thread> threads;
  for (int64_t w = 1; w < workers; ++w) threads.emplace_back(run, w);
  run(0);
  for (std::thread& t : threads) t.join();
}

}  // namespace seqscope::compute
