// Lessons: guided, tested sequences of sessions that teach SSMs vs attention, shipped in
// assets/lessons/*.json and embedded in the binary. A lesson has a title, a base session, steps
// (each: text, a partial session merged onto the base, the cursor, channel/head, the panels to
// emphasize) and a claim whose numeric check (lesson_claims.h) runs on the Results of the steps
// it names. docs/lessons.md documents the format and every lesson.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compute/session/session.h"
#include "compute/session/shown_models.h"

namespace seqscope::compute {

// A step that shows trained models (seqscope folders) on a sample of their task instead of a
// synthetic session.
using LessonModels = ShownModels;

struct LessonStep {
  std::string text;                     // what this screen says (Greek and ∑-style symbols allowed)
  Session session;                      // the lesson's base with this step's "session" merged on top
  LessonModels models;                  // the lesson's "model" with the step's merged on top
  int channel = 0;                      // SSM channel d to select
  int head = 0;                         // attention head to select
  std::string dynamics_tab;             // "" or a tab of the dynamics panel: eigenvalues, delta, matrices, kernel, formulas
  std::string cost_tab;                 // "" or a view of the cost panel: scaling, memory, timings
  std::vector<std::string> emphasize;   // panel names to outline (viz/panels/panel_context.h k_panel_names, "scan_distances")
  bool measure_sweep = false;           // the Cost panel measures its L sweep when the step opens (once)
};

// One accuracy a claim asserts: a trained model evaluated on fresh samples of its task
// (compute/lessons/lesson_evals.h).
struct LessonEvaluation {
  std::string model;      // "zoo:NAME" or a folder
  int trained_steps = -1;  // >= 0: the model retrained from its recipe up to that step
  int length = 0;         // 0 = the length it was trained at
  int tokens = 0;         // 0 = the trained task's num_tokens (copy: how many tokens to copy)
  double at_least = 0.0;  // token accuracy bounds the claim needs, in [0, 1]
  double at_most = 1.0;
};

// A check of lesson_claims.cpp and the steps whose Results it runs on (0-based).
struct ClaimCheckAt {
  std::string check;
  std::vector<int> steps;
};

struct LessonClaim {
  std::string text;                           // the sentence the lesson asserts
  std::vector<ClaimCheckAt> checks;           // JSON "check" + "steps", or "checks": [{...}]
  std::vector<LessonEvaluation> evaluations;  // accuracies of trained models the claim also needs
  int samples = 256;                          // samples per evaluation
  // The checks that run on step `step`'s Results.
  std::vector<std::string> checks_at(int step) const;
  std::vector<int> checked_steps() const;  // every step some check runs on, ascending
};

struct Lesson {
  std::string name;   // file stem, e.g. "06_fixed_state"
  std::string title;
  std::vector<LessonStep> steps;
  LessonClaim claim;
};

// Parses one lesson file. Each step's "model" object (model, model2, layer, layer2, sample)
// is merged onto the lesson's the same way; a step with "model": null shows its session.
// Each step's session is the base session JSON with the step's
// "session" object merged on top (RFC 7386 merge patch; not cumulative across steps) and
// "cursor" written into it, then validated like any session. Throws UserError naming the
// lesson, the step and the problem.
Lesson parse_lesson(const std::string& name, std::string_view json_text);
// Every embedded lesson, in file-name order.
std::vector<Lesson> load_lessons();
// The lesson called `name` (file stem, or the stem without its "NN_" number); UserError
// listing the names when there is none.
Lesson find_lesson(const std::string& name);

}  // namespace seqscope::compute
