// The Train window's background runs (train_runs.h).
#include "app/train_runs.h"

#include <algorithm>

#include "compute/model/params.h"
#include "compute/session/session_schema.h"
#include "core/parallel.h"

namespace seqscope::app {

namespace train = compute::train;

// [SECTION] turns

bool StepTurns::acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  const uint64_t ticket = next_ticket_++;
  changed_.wait(lock, [&] { return stopping_ || (!paused_ && ticket < released_ + static_cast<uint64_t>(budget_)); });
  if (!stopping_) return true;
  ++released_;  // the ticket's place goes to the next one
  changed_.notify_all();
  return false;
}

void StepTurns::release() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    ++released_;
  }
  changed_.notify_all();
}

void StepTurns::pause(bool on) {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    paused_ = on;
  }
  changed_.notify_all();
}

void StepTurns::stop() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
}

bool StepTurns::paused() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return paused_;
}

// [SECTION] runs

TrainRuns::TrainRuns(std::vector<compute::model::ModelConfig> models, train::TrainSettings settings)
    : settings_(std::move(settings)), turns_(std::max(1, compute::worker_count() - 1)), runs_(models.size()) {
  // Each run's own step on as many workers as its share of the budget.
  settings_.threads = std::max(1, (compute::worker_count() - 1) / std::max<int>(1, static_cast<int>(models.size())));
  for (size_t i = 0; i < models.size(); ++i) {
    runs_[i].config = std::move(models[i]);
    runs_[i].result.params = compute::model::init_parameters(runs_[i].config, settings_.seed);
  }
  for (size_t i = 0; i < runs_.size(); ++i) runs_[i].thread = std::thread([this, i] { train_one(i); });
}

TrainRuns::~TrainRuns() {
  stop();
  for (Run& run : runs_)
    if (run.thread.joinable()) run.thread.join();
}

void TrainRuns::stop() { turns_.stop(); }

bool TrainRuns::running() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return std::any_of(runs_.begin(), runs_.end(), [](const Run& run) { return !run.finished; });
}

// should_stop holds a turn until the step's on_step (or the evaluation's next poll) gives it back.
void TrainRuns::train_one(size_t i) {
  bool holding = false;
  train::TrainCallbacks callbacks;
  callbacks.should_stop = [&] {
    if (holding) turns_.release();
    holding = turns_.acquire();
    return !holding;
  };
  callbacks.on_step = [&](const train::StepRecord& record, const compute::model::Parameters<float>& params) {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      Run& run = runs_[i];
      run.result.log.push_back(record);
      run.result.steps_done = record.step;
      run.result.params = params;
    }
    if (holding) turns_.release();
    holding = false;
  };
  callbacks.on_eval = [&](const train::EvalRecord& record) {
    const std::lock_guard<std::mutex> lock(mutex_);
    runs_[i].result.evals.push_back(record);
  };
  compute::model::Parameters<float> start;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    start = runs_[i].result.params;
  }
  train::TrainResult result;
  try {
    result = train::train(std::move(start), settings_, callbacks);
  } catch (const std::exception& e) {  // a UserError from the settings; checked before, so rare
    result.status = train::TrainStatus::Failed;
    result.error = e.what();
  }
  if (holding) turns_.release();
  const std::lock_guard<std::mutex> lock(mutex_);
  Run& run = runs_[i];
  run.result.status = result.status;
  run.result.error = result.error;
  run.result.steps_done = result.steps_done;
  run.result.params = std::move(result.params);
  run.finished = true;
}

std::vector<TrainRuns::RunView> TrainRuns::view() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  std::vector<RunView> views;
  for (const Run& run : runs_) {
    RunView v;
    v.pattern = run.config.pattern;
    v.history.name = "run " + std::to_string(views.size() + 1);
    v.history.pattern = run.config.pattern;
    v.history.task = std::string(compute::schema::enum_name(settings_.task.kind));
    v.history.steps = run.result.log;
    if (!run.result.evals.empty()) v.history.final_eval = run.result.evals.back();
    v.steps_done = run.result.steps_done;
    v.finished = run.finished;
    v.status = run.result.status;
    v.error = run.result.error;
    views.push_back(std::move(v));
  }
  return views;
}

train::TrainResult TrainRuns::result_of(size_t i) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  train::TrainResult result = runs_.at(i).result;
  if (!runs_[i].finished) result.status = train::TrainStatus::Stopped;  // a snapshot of a run going on
  return result;
}

}  // namespace seqscope::app
