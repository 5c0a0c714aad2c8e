// The Train window's runs (app/train_runs.h) and its save / show actions (app/train_window.h):
// side-by-side runs give exactly what `seqscope train`'s library gives for each pattern alone
// (same seed, same batches: bit-identical weights), pause holds them, stop ends them with what
// they have, the turns are fair, and a saved or shown folder is a seqscope model folder.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <cstring>
#include <filesystem>
#include <thread>

#include "app/model_source.h"
#include "app/train_runs.h"
#include "app/train_window.h"
#include "app/workspace.h"
#include "compute/checkpoint/seqscope_folder.h"
#include "compute/model/params.h"
#include "core/parallel.h"

namespace seqscope::app {
namespace {

namespace fs = std::filesystem;
namespace train = compute::train;
using compute::model::ModelConfig;

ModelConfig tiny(const std::string& pattern) {
  ModelConfig c;
  c.pattern = pattern;
  c.vocab_size = 16;
  c.d_model = 8;
  c.d_state = 4;
  c.n_heads = 2;
  compute::model::resolve_defaults(c);
  compute::model::validate_config(c);
  return c;
}

train::TrainSettings tiny_settings(int64_t steps) {
  train::TrainSettings s;
  s.task.kind = compute::TaskKind::Copy;
  s.task.length = 16;
  s.task.num_tokens = 4;
  s.steps = steps;
  s.batch = 4;
  s.warmup = 2;
  s.eval_every = 0;
  s.eval_samples = 8;
  return s;
}

void wait_until_done(const TrainRuns& runs) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (runs.running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_FALSE(runs.running()) << "the runs did not finish in 60 s";
}

template <typename T>
bool same_bits(const compute::model::Parameters<T>& a, const compute::model::Parameters<T>& b) {
  std::vector<const T*> pa, pb;
  std::vector<int64_t> counts;
  compute::model::for_each_tensor(a, [&](const compute::model::TensorSpec& spec, const T* d) {
    pa.push_back(d);
    counts.push_back(spec.count());
  });
  compute::model::for_each_tensor(b, [&](const compute::model::TensorSpec&, const T* d) { pb.push_back(d); });
  if (pa.size() != pb.size()) return false;
  for (size_t k = 0; k < pa.size(); ++k)
    if (std::memcmp(pa[k], pb[k], static_cast<size_t>(counts[k]) * sizeof(T)) != 0) return false;
  return true;
}

TEST(TrainRuns, SideBySideGivesEachPatternsOwnRunBitForBit) {
  const train::TrainSettings settings = tiny_settings(12);
  TrainRuns runs({tiny("M"), tiny("*")}, settings);
  wait_until_done(runs);
  const auto views = runs.view();
  ASSERT_EQ(views.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(views[i].steps_done, 12);
    EXPECT_EQ(views[i].status, train::TrainStatus::Finished);
    EXPECT_EQ(views[i].history.steps.size(), 12u);
    ASSERT_TRUE(views[i].history.final_eval.has_value());
    const train::TrainResult alone = train::train(tiny(views[i].pattern), settings);
    EXPECT_TRUE(same_bits(runs.result_of(i).params, alone.params)) << views[i].pattern;
    EXPECT_EQ(alone.log.back().loss, views[i].history.steps.back().loss);
  }
}

TEST(TrainRuns, PauseHoldsAndStopKeepsWhatThereIs) {
  TrainRuns runs({tiny("M"), tiny("M*")}, tiny_settings(100000));
  const auto steps = [&] {
    int64_t total = 0;
    for (const auto& v : runs.view()) total += v.steps_done;
    return total;
  };
  const auto both_started = [&] {
    const auto v = runs.view();
    return v[0].steps_done > 0 && v[1].steps_done > 0;
  };
  while (!both_started() || steps() < 4) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  runs.pause(true);
  EXPECT_TRUE(runs.paused());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a step under way finishes
  const int64_t held = steps();
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_EQ(steps(), held) << "steps ran while paused";
  runs.pause(false);
  while (steps() < held + 4) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  runs.stop();
  wait_until_done(runs);
  const auto views = runs.view();
  for (const auto& v : views) {
    EXPECT_EQ(v.status, train::TrainStatus::Stopped);
    EXPECT_GT(v.steps_done, 0);
    EXPECT_EQ(static_cast<size_t>(v.steps_done), v.history.steps.size());
  }
  // Taken in turn where there are fewer places than runs (2 cores: one step at a time).
  if (compute::worker_count() - 1 < 2) {
    EXPECT_LE(std::abs(views[0].steps_done - views[1].steps_done), 1);
  }
}

TEST(StepTurns, GatedRunsTakeTurnsAndALeaverPassesItsTurn) {
  StepTurns turns(3, true);
  std::mutex mutex;
  std::vector<int> order;
  std::atomic<int> inside{0}, most{0};
  const auto work = [&](int who, int count) {
    for (int i = 0; i < count; ++i) {
      ASSERT_TRUE(turns.acquire(who));
      most = std::max(most.load(), ++inside);
      {
        const std::lock_guard<std::mutex> lock(mutex);
        order.push_back(who);
      }
      --inside;
      turns.release(who);
    }
    turns.leave(who);
  };
  std::thread a(work, 0, 50), b(work, 1, 50), c(work, 2, 10);
  a.join();
  b.join();
  c.join();
  EXPECT_EQ(most.load(), 1);
  std::string seq;
  for (int w : order) seq += static_cast<char>('0' + w);
  // 012 ten times while run 2 takes part, then 01 alternating.
  std::string expected;
  for (int k = 0; k < 10; ++k) expected += "012";
  for (int k = 0; k < 40; ++k) expected += "01";
  EXPECT_EQ(seq, expected);
}

TEST(StepTurns, StopWakesEveryoneAndUngatedRunsDoNotWait) {
  StepTurns turns(2, true);
  bool second = true;
  std::thread waiter([&] { second = turns.acquire(1); });  // not its turn
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  turns.stop();
  waiter.join();
  EXPECT_FALSE(second);
  EXPECT_FALSE(turns.acquire(0));
  StepTurns free(2, false);
  EXPECT_TRUE(free.acquire(1));
  EXPECT_TRUE(free.acquire(0));
}

TEST(TrainWindow, SavesAndShowsAFolderAndRefusesBadForms) {
  const fs::path dir = fs::temp_directory_path() / ("seqscope_test_train_window_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  TrainWindow window;
  TrainWindow::Form& form = window.form();
  form.task = 0;  // copy
  form.length = 16;
  form.d_model = 8;
  form.state = 4;
  form.heads = 2;
  form.steps = 6;
  form.batch = 4;
  form.warmup = 1;
  std::snprintf(form.patterns[0], sizeof form.patterns[0], "M*");
  std::snprintf(form.patterns[1], sizeof form.patterns[1], "%s", "");
  std::snprintf(form.eval_lengths, sizeof form.eval_lengths, "16,32");
  std::snprintf(form.save_dir, sizeof form.save_dir, "%s", dir.string().c_str());
  ASSERT_EQ(window.start(), "");
  wait_until_done(*window.runs());
  const fs::path saved = window.save(0);
  EXPECT_EQ(saved, dir / "copy-Mx");
  const auto params = compute::checkpoint::load_model_folder(saved);
  EXPECT_EQ(params.config.pattern, "M*");
  EXPECT_EQ(params.config.settings["steps_done"], 6);
  EXPECT_TRUE(fs::exists(saved / "train_log.jsonl"));
  EXPECT_TRUE(fs::exists(saved / "eval.json"));
  // A model saved from the window opens in the dashboard on its task.
  ModelSource source(saved.string(), "", std::nullopt, 0);
  EXPECT_EQ(source.compute().inputs.length(), 16);

  std::snprintf(form.patterns[0], sizeof form.patterns[0], "MX");
  EXPECT_NE(window.start().find("pattern"), std::string::npos);
  std::snprintf(form.patterns[0], sizeof form.patterns[0], "M");
  std::snprintf(form.eval_lengths, sizeof form.eval_lengths, "16,x");
  EXPECT_EQ(window.start(), "eval lengths: 'x' is not a length (e.g. 64,128,256)");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace seqscope::app
