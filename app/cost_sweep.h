// CostSweepRunner: measures the Cost panel's L sweep (compute/bench/benchmark.h run_cost_sweep) on the
// backend that computed the Results on screen, and hands the panel what to draw (viz::SweepView).
// In the window it runs on a worker thread: the UI stays live, shows progress and can cancel.
// Headless figures (export, lesson export) use a blocking runner: start() returns when done.
// A Vulkan sweep opens its own Vulkan context on the same device, because the window's queue
// may be used by one thread only.
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "compute/bench/benchmark.h"
#include "viz/panels/panel_context.h"

namespace seqscope::app {

class CostSweepRunner {
 public:
  // vulkan_device: the device index of the window's context (a Vulkan sweep uses the same one).
  CostSweepRunner(std::optional<uint32_t> vulkan_device, bool blocking);
  ~CostSweepRunner();  // cancels a running sweep and waits for it
  CostSweepRunner(const CostSweepRunner&) = delete;
  CostSweepRunner& operator=(const CostSweepRunner&) = delete;

  // Measures on `backend` ("eigen" or "vulkan"); ignored while a sweep runs.
  void start(const std::string& backend);
  void cancel();
  // Once per frame, on the UI thread: takes over a sweep the worker finished.
  void poll();
  bool running() const { return running_.load(); }
  bool has_result() const { return result_.has_value(); }
  // What the Cost panel draws; valid until the next poll() or start().
  const viz::SweepView& view();

 private:
  void finish(compute::CostSweep sweep, std::string error);
  compute::CostSweep measure(const std::string& backend);

  std::optional<uint32_t> vulkan_device_;
  bool blocking_;
  std::thread worker_;
  std::atomic<bool> running_{false}, cancel_{false};
  std::atomic<int> done_{0}, total_{1};
  std::mutex mutex_;  // guards finished_ and finished_error_ (written by the worker)
  std::optional<compute::CostSweep> finished_;
  std::string finished_error_;
  std::optional<compute::CostSweep> result_;  // UI thread only
  std::string message_;
  viz::SweepView view_;
};

}  // namespace seqscope::app
