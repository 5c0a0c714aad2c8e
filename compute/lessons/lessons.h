// Lessons: guided, tested sequences of sessions that teach SSMs vs attention, shipped in
// assets/lessons/*.json and embedded in the binary. A lesson has a title, a base session, steps
// (each: text, a partial session merged onto the base, the cursor, channel/head, the panels to
// emphasize) and a claim whose numeric check (lesson_claims.h) runs on the Results of the steps
// it names. docs/lessons.md documents the format and every lesson.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "compute/session/session.h"

namespace seqscope::compute {

struct LessonStep {
  std::string text;                     // what this screen says (Greek and ∑-style symbols allowed)
  Session session;                      // the lesson's base with this step's "session" merged on top
  int channel = 0;                      // SSM channel d to select
  int head = 0;                         // attention head to select
  std::string dynamics_tab;             // "" or a tab of the dynamics panel: eigenvalues, delta, matrices, kernel, formulas
  std::vector<std::string> emphasize;   // panel names to outline (viz/panels/panel_context.h k_panel_names, "scan_distances")
  bool measure_sweep = false;           // the Cost panel measures its L sweep when the step opens (once)
};

struct LessonClaim {
  std::string text;        // the sentence the lesson asserts
  std::string check;       // name of its check in lesson_claims.cpp
  std::vector<int> steps;  // the steps whose Results the check runs on (0-based)
};

struct Lesson {
  std::string name;   // file stem, e.g. "06_fixed_state"
  std::string title;
  std::vector<LessonStep> steps;
  LessonClaim claim;
};

// Parses one lesson file. Each step's session is the base session JSON with the step's
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
