// `seqscope lessons` (one line per lesson: NAME<TAB>TITLE<TAB>STEPS) and the lesson hooks of
// `--lesson NAME --lesson-step K` (window and `seqscope export`): the step's session (with --backend and
// --step applied on top) and the dashboard opened at that step.
#pragma once
#include "app/cli.h"
#include "compute/session/session.h"

namespace seqscope::app {

class Dashboard;

int run_lessons();
// The session of --lesson NAME at --lesson-step K (1-based); UserError for an unknown lesson or step.
compute::Session lesson_session(const Options& options);
// Opens the lesson step in the dashboard (Lesson panel, outlines, channel/head, tab).
void open_lesson_step(Dashboard& dashboard, const Options& options);

}  // namespace seqscope::app
