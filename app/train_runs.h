// The Train window's runs (docs/dashboard.md, "Train window"): up to four patterns trained on
// one task side by side, on the same batches (one seed), by background threads. At most
// worker_count() - 1 steps run at once, so the UI keeps a hardware thread, and the runs take
// their steps in turn (round robin, each step on every place), so they advance together. Pause holds every run before
// its next step; stop ends each with what it has (the trainer's Stopped status); the
// destructor stops and joins, so closing the window ends the training cleanly.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "compute/model/config.h"
#include "compute/train/history.h"
#include "compute/train/trainer.h"

namespace seqscope::app {

// Steps in turn. Gated (fewer places than runs): one step at a time, the runs strictly in
// round robin; ungated: every run steps freely. Pause holds every run before its next step.
class StepTurns {
 public:
  StepTurns(int runs, bool gated) : active_(static_cast<size_t>(runs), true), gated_(gated) {}
  // Waits for run's turn (and while paused); false when stopping instead.
  bool acquire(int run);
  // The turn passes to the next run still going.
  void release(int run);
  // A finished run leaves the round.
  void leave(int run);
  void pause(bool on);
  void stop();
  bool paused() const;

 private:
  void pass_turn_from(int run);  // under the lock
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<bool> active_;
  int turn_ = 0;
  bool gated_;
  bool paused_ = false, stopping_ = false;
};

class TrainRuns {
 public:
  // models: validated configs (one per pattern); settings: checked against each. Starts one
  // thread per model at once.
  TrainRuns(std::vector<compute::model::ModelConfig> models, compute::train::TrainSettings settings);
  ~TrainRuns();
  TrainRuns(const TrainRuns&) = delete;
  TrainRuns& operator=(const TrainRuns&) = delete;

  struct RunView {
    std::string pattern;
    compute::train::TrainingHistory history;  // steps so far, the last evaluation
    int64_t steps_done = 0;
    bool finished = false;  // the thread is done (finished, stopped or failed)
    compute::train::TrainStatus status = compute::train::TrainStatus::Finished;
    std::string error;  // Failed: one line
  };
  std::vector<RunView> view() const;  // a copy, under the lock
  // Run i at its last finished step, as `seqscope train` would save it (a copy).
  compute::train::TrainResult result_of(size_t i) const;
  const compute::train::TrainSettings& settings() const { return settings_; }
  size_t size() const { return runs_.size(); }

  void pause(bool on) { turns_.pause(on); }
  bool paused() const { return turns_.paused(); }
  void stop();
  bool running() const;  // some run has not finished

 private:
  struct Run {
    compute::model::ModelConfig config;
    compute::train::TrainResult result;  // params, log and evals so far
    bool finished = false;
    std::thread thread;
  };
  void train_one(size_t i);

  compute::train::TrainSettings settings_;
  StepTurns turns_;
  mutable std::mutex mutex_;
  std::vector<Run> runs_;
};

}  // namespace seqscope::app
