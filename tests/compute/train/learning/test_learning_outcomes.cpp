// What each architecture learns (issue 17, docs/training.md "What the models learn"), as tests
// with fixed seeds at small sizes: each trains from scratch on the 2-core CI machine in well
// under two minutes (label `learning`; not in the sanitizer pass). The claims:
//   copy            attention copies, a fixed-size state does not at the same budget, and one
//                   attention layer in a hybrid is enough (Jelassi et al. 2024)
//   selective_copy  the selective scan learns it, the time-invariant scan does not (Mamba §4.1)
//   induction       Mamba learns induction heads and keeps them at 4x the training length
//                   (Mamba §4.1, Table 2)
//   mqar            attention recalls every pair; a small-state Mamba degrades as the number
//                   of pairs grows (Zoology)
// The numbers in the comments are what these seeds gave when the tests were written; the
// bounds leave room for float differences between machines.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "compute/train/trainer.h"

namespace seqscope::compute::train {
namespace {

struct Run {
  std::string pattern;
  int d_model = 32;
  int d_state = 16;
  int n_heads = 2;
};

ModelConfig config_of(const Run& run, int vocab) {
  ModelConfig c;
  c.pattern = run.pattern;
  c.vocab_size = vocab;
  c.d_model = run.d_model;
  c.d_state = run.d_state;
  c.n_heads = run.n_heads;
  model::resolve_defaults(c);
  return c;
}

// Trains and returns the token accuracy at each evaluation length (the last evaluation).
std::vector<double> accuracy_after_training(const Run& run, const TrainSettings& settings) {
  const TrainResult r = train(config_of(run, settings.task.vocab), settings);
  EXPECT_EQ(r.status, TrainStatus::Finished) << r.error;
  std::vector<double> accuracy;
  if (r.evals.empty()) return accuracy;
  for (const EvalPoint& p : r.evals.back().points) {
    accuracy.push_back(p.accuracy);
    std::printf("%s on %d steps: L=%d acc %.1f%%\n", run.pattern.c_str(), static_cast<int>(r.steps_done),
                p.length, 100 * p.accuracy);
  }
  return accuracy;
}

TrainSettings settings_of(TaskKind kind, int vocab, int length, int tokens, int64_t steps, int batch,
                          double lr, int64_t warmup) {
  TrainSettings s;
  s.task.kind = kind;
  s.task.vocab = vocab;
  s.task.length = length;
  s.task.num_tokens = tokens;
  s.steps = steps;
  s.batch = batch;
  s.lr = lr;
  s.warmup = warmup;
  s.eval_every = 0;
  s.eval_samples = 256;
  return s;
}

// Copy 16 symbols (12 possible, chance 8.3 %) at L 40, 300 steps of 16 sequences.
// Measured: ** 100 %, MM 8.2 %, M* 100 %.
TEST(LearningOutcomes, CopyingNeedsAttentionAndOneLayerOfItIsEnough) {
  const TrainSettings s = settings_of(TaskKind::Copy, 16, 40, 16, 300, 16, 3e-3, 30);
  EXPECT_GE(accuracy_after_training({"**"}, s).at(0), 0.99);
  EXPECT_LE(accuracy_after_training({"MM"}, s).at(0), 0.30);
  EXPECT_GE(accuracy_after_training({"M*"}, s).at(0), 0.95);
}

// Four symbols among blanks at L 64, then four markers; d_model 64. Measured at 1000 steps:
// MM 100 % (99.5 % by step 750), SS 46.8 %. Other seeds vary a lot at this size (seed 1: 99.6
// and 57.0 %; seed 2: 38.8 and 68.8 %), which is why the seed is fixed.
TEST(LearningOutcomes, SelectiveCopyingNeedsTheSelectiveScan) {
  const TrainSettings s = settings_of(TaskKind::SelectiveCopy, 16, 64, 4, 1000, 32, 5e-3, 100);
  EXPECT_GE(accuracy_after_training({"MM", 64}, s).at(0), 0.95);
  EXPECT_LE(accuracy_after_training({"SS", 64}, s).at(0), 0.60);
}

// Trained at L 32, evaluated at 32 and 128. Measured: 100 % and 100 %.
TEST(LearningOutcomes, MambaLearnsInductionHeadsThatHoldAtFourTimesTheLength) {
  TrainSettings s = settings_of(TaskKind::Induction, 16, 32, 4, 500, 32, 5e-3, 100);
  s.eval_lengths = {32, 128};
  const std::vector<double> accuracy = accuracy_after_training({"MM"}, s);
  EXPECT_GE(accuracy.at(0), 0.95);
  EXPECT_GE(accuracy.at(1), 0.90);
}

// Six pairs over 32 symbols at L 64. Measured: 100 %.
TEST(LearningOutcomes, AttentionRecallsEveryPair) {
  const TrainSettings s = settings_of(TaskKind::Mqar, 36, 64, 6, 1500, 64, 3e-3, 100);
  EXPECT_GE(accuracy_after_training({"**", 64, 16, 4}, s).at(0), 0.99);
}

// A Mamba with N = 4 states per channel at L 32, trained on 2, 4 and 8 pairs with the same
// budget. Measured: 99.8 %, 95.6 %, 68.3 %.
TEST(LearningOutcomes, ASmallStateRecallsLessAsThePairsGrow) {
  std::vector<double> accuracy;
  for (int pairs : {2, 4, 8}) {
    const TrainSettings s = settings_of(TaskKind::Mqar, 36, 32, pairs, 2000, 32, 5e-3, 100);
    accuracy.push_back(accuracy_after_training({"MM", 64, 4}, s).at(0));
  }
  EXPECT_GE(accuracy[0], 0.95);
  EXPECT_GT(accuracy[0], accuracy[1]);
  EXPECT_GT(accuracy[1], accuracy[2] + 0.1);
}

}  // namespace
}  // namespace seqscope::compute::train
