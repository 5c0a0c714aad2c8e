// Lessons (compute/lessons/lessons.h): every embedded lesson loads, its steps are valid sessions, and
// each lesson's claim holds on the Results of the steps it names (compute/lessons/lesson_claims.h);
// the checks also fail where the claim would be false, and the file format rejects mistakes.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "compute/backend/eigen_backend.h"
#include "compute/lessons/lesson_claims.h"
#include "compute/lessons/lesson_evals.h"
#include "compute/lessons/lessons.h"
#include "compute/session/inputs.h"
#include "compute/session/tasks.h"
#include "tests/support/lesson_results.h"

namespace seqscope::compute {
namespace {

Results run(const Session& session) { return run_eigen(session, make_inputs(session)); }

using testing::zoo_path;
Results step_results(const LessonStep& step) { return testing::lesson_step_results(step); }

TEST(Lessons, AllLoadWithUniqueNamesAndSeveralSteps) {
  const std::vector<Lesson> lessons = load_lessons();
  ASSERT_GE(lessons.size(), 10u);
  std::set<std::string> names;
  for (const Lesson& lesson : lessons) {
    EXPECT_TRUE(names.insert(lesson.name).second) << lesson.name;
    EXPECT_FALSE(lesson.title.empty());
    EXPECT_GE(lesson.steps.size(), 3u) << lesson.name;
    EXPECT_FALSE(lesson.claim.text.empty());
  }
}

TEST(Lessons, EveryClaimHoldsOnItsSteps) {
  for (const Lesson& lesson : load_lessons())
    for (const ClaimCheckAt& at : lesson.claim.checks)
      for (int step : at.steps) {
        const Results results = step_results(lesson.steps[static_cast<size_t>(step)]);
        const ClaimResult claim = check_claim(at.check, results);
        EXPECT_TRUE(claim.passed) << lesson.name << " step " << step + 1 << ": " << claim.detail;
        std::printf("%s step %d: %s\n", lesson.name.c_str(), step + 1, claim.detail.c_str());
      }
}

// The accuracies the claims state about the zoo's trained models, measured again here.
TEST(Lessons, EveryEvaluationOfTrainedModelsHolds) {
  for (const Lesson& lesson : load_lessons()) {
    if (lesson.claim.evaluations.empty()) continue;
    const ClaimResult claim = evaluations_claim(evaluate_claim_models(lesson.claim, zoo_path, testing::lesson_scratch()));
    EXPECT_TRUE(claim.passed) << lesson.name << ": " << claim.detail;
    std::printf("%s: %s\n", lesson.name.c_str(), claim.detail.c_str());
  }
}

// Every step with trained models opens them, on a sample whose length fits its cursor.
TEST(Lessons, ModelStepsOpenTheirModels) {
  int model_steps = 0;
  for (const Lesson& lesson : load_lessons())
    for (size_t i = 0; i < lesson.steps.size(); ++i) {
      const LessonStep& step = lesson.steps[i];
      if (!step.models.shown()) continue;
      ++model_steps;
      const Results results = step_results(step);
      EXPECT_LT(step.session.cursor, results.ssm.L > 0 ? results.ssm.L : results.attention.L)
          << lesson.name << " step " << i + 1;
    }
  EXPECT_GE(model_steps, 10);
}

// Lesson 5's check on α: the trained S6 layer concentrates on the data tokens, the S4D does not,
// and neither does the same S6 layer before training (init from the same config, no steps).
TEST(Lessons, SelectiveAlphaFailsWhereTheClaimWouldBeFalse) {
  const Lesson selectivity = find_lesson("selectivity");
  for (const LessonStep& step : selectivity.steps) {
    if (step.models.model != "zoo:selective_copy-SS") continue;
    // The S4D layer passes its own (≤ 1.5×) branch; read as a selective layer it would fail.
    Results results = step_results(step);
    ASSERT_TRUE(check_claim("selective_alpha", results).passed);
    results.ssm.lti = false;
    EXPECT_FALSE(check_claim("selective_alpha", results).passed);
  }
  // α fades on the copy Mamba, so "reaches back" fails there.
  const Lesson hidden = find_lesson("hidden_attention");
  for (const ClaimCheckAt& at : hidden.claim.checks) {
    if (at.check != "alpha_fades") continue;
    for (int step : at.steps)
      EXPECT_FALSE(check_claim("alpha_reaches_back", step_results(hidden.steps[static_cast<size_t>(step)])).passed);
  }
}

// A step checked by attention_lookup selects the head the check found, so the map on screen is
// the head the claim is about.
TEST(Lessons, LookupStepsShowTheLookupHead) {
  int checked = 0;
  for (const Lesson& lesson : load_lessons())
    for (const ClaimCheckAt& at : lesson.claim.checks) {
      if (at.check != "attention_lookup") continue;
      for (int step : at.steps) {
        const LessonStep& s = lesson.steps[static_cast<size_t>(step)];
        EXPECT_EQ(s.head, best_lookup_head(step_results(s)).head) << lesson.name << " step " << step + 1;
        ++checked;
      }
    }
  EXPECT_GE(checked, 2);
}

TEST(Lessons, ModelsAndEvaluationsParse) {
  const Lesson lesson = parse_lesson("x", R"({"title": "t", "model": {"name": "zoo:a", "layer": 1},
    "steps": [{"text": "a", "model": {"sample": 3}}, {"text": "b", "model": null}, {"text": "c", "model": {"name": "zoo:b", "model2": "zoo:c"}}],
    "claim": {"text": "c", "evaluate": [{"model": "zoo:a", "length": 64, "at_least": 0.9}], "samples": 32,
              "checks": [{"check": "cost_slopes", "steps": [1]}, {"check": "memory_growth", "steps": [1, 2]}]}})");
  EXPECT_EQ(lesson.steps[0].models, (LessonModels{"zoo:a", "", 1, 0, 3}));
  EXPECT_FALSE(lesson.steps[1].models.shown());
  EXPECT_EQ(lesson.steps[2].models, (LessonModels{"zoo:b", "zoo:c", 1, 0, 0}));
  EXPECT_EQ(lesson.claim.samples, 32);
  ASSERT_EQ(lesson.claim.evaluations.size(), 1u);
  EXPECT_EQ(lesson.claim.evaluations[0].length, 64);
  EXPECT_EQ(lesson.claim.checks_at(1), (std::vector<std::string>{"cost_slopes", "memory_growth"}));
  EXPECT_EQ(lesson.claim.checked_steps(), (std::vector<int>{1, 2}));
}

TEST(Lessons, ChecksFailWhereTheClaimWouldBeFalse) {
  // Lesson 3's last step: forward Euler at a small Δ is stable, so "Euler is unstable" fails.
  const Lesson discretization = find_lesson("discretization");
  EXPECT_FALSE(check_claim("euler_unstable", run(discretization.steps.back().session)).passed);
  // Lesson 10 with a sliding window: the KV cache stops growing, so "linear in t" fails.
  const Lesson memory = find_lesson("10");
  EXPECT_FALSE(check_claim("memory_growth", run(memory.steps[2].session)).passed);
  // Lesson 6 with a 16-slot register: lag 12 is now inside the state, not at chance.
  Session wide = find_lesson("fixed_state").steps[2].session;
  wide.ssm.state_size = 16;
  const Results results = run(wide);
  EXPECT_EQ(state_recall_accuracy(results, 12), 1.0);
  // Lesson 5's hand-set step, as an S4D: its Δ is the same for every token, so the check fails.
  const Lesson selectivity = find_lesson("selectivity");
  const Session hand_set = selectivity.steps.back().session;
  ASSERT_EQ(hand_set.ssm.delta_init, DeltaInit::DataTokens);
  Session s4d = hand_set;
  s4d.ssm.variant = SsmVariant::S4D;
  EXPECT_FALSE(check_claim("selective_delta", run(s4d)).passed);
  // Mamba's random (untrained) Δ init: still a function of the token, but letters get no larger
  // Δ than noise, so "Δ spikes on data tokens" fails.
  Session untrained = hand_set;
  untrained.ssm.delta_init = DeltaInit::Random;
  const ClaimResult random_init = check_claim("selective_delta", run(untrained));
  EXPECT_FALSE(random_init.passed) << random_init.detail;
  // The hand-set Δ is far from flat.
  EXPECT_FALSE(check_claim("delta_flat", run(hand_set)).passed);
  std::printf("selectivity with delta_init = random: %s\n", random_init.detail.c_str());
}

// Lesson 2 shows the measured sweep (the Cost panel measures it when such a step opens); its
// first steps do not wait for it.
TEST(Lessons, CostLessonMeasuresTheSweepOnItsLaterSteps) {
  const Lesson cost = find_lesson("cost");
  EXPECT_FALSE(cost.steps.front().measure_sweep);
  EXPECT_TRUE(std::any_of(cost.steps.begin(), cost.steps.end(), [](const LessonStep& s) { return s.measure_sweep; }));
  for (const Lesson& lesson : load_lessons()) {
    if (lesson.name == cost.name) continue;
    for (const LessonStep& step : lesson.steps) EXPECT_FALSE(step.measure_sweep) << lesson.name;
  }
}

TEST(Lessons, RecallThroughTheShiftRegister) {
  const Results results = run(find_lesson("fixed_state").steps[2].session);
  for (int k = 0; k < 8; ++k) EXPECT_EQ(state_recall_accuracy(results, k), 1.0) << k;
  for (int k = 8; k < 16; ++k) EXPECT_LT(state_recall_accuracy(results, k), 0.2) << k;  // chance is 1/12
  EXPECT_EQ(attention_recall_accuracy(results, 0, 12), 1.0);
  EXPECT_LT(attention_recall_accuracy(results, 0, 5), 0.2);  // the head reads lag 12, not 5
}

TEST(Lessons, NeighbourDistancesOfKnownOrders) {
  Session s;
  s.input.kind = InputKind::Grid;
  s.input.grid.width = 8;
  s.input.grid.height = 8;
  const NeighbourDistances row = neighbour_distances_for(s, ScanOrder::RowMajor);
  ASSERT_EQ(row.distances.size(), 112u);  // 2 · 8 · 7 pairs
  EXPECT_DOUBLE_EQ(row.mean, 4.5);        // half at 1, half at W = 8
  EXPECT_EQ(row.max, 8);
  const NeighbourDistances snake = neighbour_distances_for(s, ScanOrder::Snake);
  EXPECT_DOUBLE_EQ(snake.mean, 4.5);  // vertical pairs 15, 13, ..., 1: mean 8 again
  EXPECT_DOUBLE_EQ(snake.median, 1.0);
  EXPECT_EQ(snake.max, 15);
  const NeighbourDistances hilbert = neighbour_distances_for(s, ScanOrder::Hilbert);
  EXPECT_NEAR(hilbert.within3, 83.0 / 112.0, 1e-12);
  EXPECT_EQ(hilbert.max, 53);
  s.input.grid.frames = 3;
  s.input.grid.video_order = VideoOrder::SpatialFirst;
  const NeighbourDistances video = neighbour_distances_for(s, ScanOrder::RowMajor);
  EXPECT_EQ(video.distances.size(), 3u * 112u + 2u * 64u);  // + the same cell in consecutive frames
  EXPECT_EQ(video.max, 64);
}

TEST(Lessons, StepsMergeOntoTheBaseNotOntoEachOther) {
  const Lesson lesson = parse_lesson("x", R"({"title": "t", "session": {"d_model": 8, "input": {"kind": "signal", "length": 32}},
    "steps": [{"text": "a", "session": {"ssm": {"state_size": 4}}, "cursor": 5},
              {"text": "b", "session": {"input": {"length": 16}}}],
    "claim": {"text": "c", "check": "cost_slopes", "steps": [1]}})");
  ASSERT_EQ(lesson.steps.size(), 2u);
  EXPECT_EQ(lesson.steps[0].session.ssm.state_size, 4);
  EXPECT_EQ(lesson.steps[0].session.cursor, 5);
  EXPECT_EQ(lesson.steps[0].session.input.length, 32);
  EXPECT_EQ(lesson.steps[1].session.ssm.state_size, 16);  // the default again: not cumulative
  EXPECT_EQ(lesson.steps[1].session.input.length, 16);
  EXPECT_EQ(lesson.steps[1].session.d_model, 8);
}

TEST(Lessons, MistakesAreOneLineErrorsNamingTheLessonAndStep) {
  const auto error = [](const char* text) {
    try {
      parse_lesson("bad", text);
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string claim = R"("claim": {"text": "c", "check": "cost_slopes", "steps": [0]})";
  EXPECT_NE(error(R"({"title": "t", "steps": [{"text": "a", "cursor": 999}], )" "\"claim\": {\"text\": \"c\", \"check\": \"cost_slopes\", \"steps\": [0]}}")
                .find("lesson bad step 1"), std::string::npos);
  EXPECT_NE(error((R"({"title": "t", "steps": [{"text": "a", "colour": 1}], )" + claim + "}").c_str()).find("unknown key \"colour\""),
            std::string::npos);
  EXPECT_NE(error(R"({"title": "t", "steps": [{"text": "a"}], "claim": {"text": "c", "check": "magic", "steps": [0]}})")
                .find("unknown check \"magic\""), std::string::npos);
  EXPECT_NE(error(R"({"title": "t", "steps": [{"text": "a"}], "claim": {"text": "c", "check": "cost_slopes", "steps": [3]}})")
                .find("step 3 does not exist"), std::string::npos);
  EXPECT_NE(error((R"({"title": "t", "steps": [{"text": "a", "head": 5}], )" + claim + "}").c_str()).find("head 5"),
            std::string::npos);
  EXPECT_NE(error((R"({"title": "t", "steps": [{"text": "a", "measure_sweep": 1}], )" + claim + "}").c_str())
                .find("lesson bad step 1: measure_sweep must be true or false"),
            std::string::npos);
  EXPECT_NE(error((R"({"title": "t", "steps": [{"text": "a", "model": {"layer": 1}}], )" + claim + "}").c_str())
                .find("\"name\" must name"), std::string::npos);
  EXPECT_NE(error((R"({"title": "t", "steps": [{"text": "a", "model": {"name": "m", "sample": -1}}], )" + claim + "}").c_str())
                .find("\"sample\" must be a non-negative integer"), std::string::npos);
  EXPECT_NE(error(R"({"title": "t", "steps": [{"text": "a"}], "claim": {"text": "c", "evaluate": [{"model": "m", "at_least": 2}]}})")
                .find("accuracy in [0, 1]"), std::string::npos);
  EXPECT_NE(error(R"({"title": "t", "steps": [{"text": "a"}], "claim": {"text": "c"}})").find("neither a check nor"),
            std::string::npos);
  EXPECT_NE(error("{not json").find("lesson bad"), std::string::npos);
  EXPECT_THROW(find_lesson("no_such_lesson"), UserError);
}

}  // namespace
}  // namespace seqscope::compute
