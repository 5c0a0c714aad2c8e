// Lessons (compute/lessons/lessons.h): every embedded lesson loads, its steps are valid sessions, and
// each lesson's claim holds on the Results of the steps it names (compute/lessons/lesson_claims.h);
// the checks also fail where the claim would be false, and the file format rejects mistakes.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "compute/backend/eigen_backend.h"
#include "compute/lessons/lesson_claims.h"
#include "compute/lessons/lessons.h"
#include "compute/session/inputs.h"

namespace seqscope::compute {
namespace {

Results run(const Session& session) { return run_eigen(session, make_inputs(session)); }

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
    for (int step : lesson.claim.steps) {
      const Results results = run(lesson.steps[static_cast<size_t>(step)].session);
      const ClaimResult claim = check_claim(lesson.claim.check, results);
      EXPECT_TRUE(claim.passed) << lesson.name << " step " << step + 1 << ": " << claim.detail;
      std::printf("%s step %d: %s\n", lesson.name.c_str(), step + 1, claim.detail.c_str());
    }
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
  // S4D's Δ is the same for every token: the selectivity check fails.
  const Lesson selectivity = find_lesson("selectivity");
  EXPECT_FALSE(check_claim("selective_delta", run(selectivity.steps.back().session)).passed);
  // Mamba's random (untrained) Δ init: still a function of the token, but letters get no larger
  // Δ than noise, so "Δ spikes on data tokens" fails.
  Session untrained = selectivity.steps[2].session;
  ASSERT_EQ(untrained.ssm.delta_init, DeltaInit::DataTokens);
  untrained.ssm.delta_init = DeltaInit::Random;
  const ClaimResult random_init = check_claim("selective_delta", run(untrained));
  EXPECT_FALSE(random_init.passed) << random_init.detail;
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
  EXPECT_NE(error("{not json").find("lesson bad"), std::string::npos);
  EXPECT_THROW(find_lesson("no_such_lesson"), UserError);
}

}  // namespace
}  // namespace seqscope::compute
