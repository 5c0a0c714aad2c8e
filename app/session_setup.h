// The session a run starts from: the default, --preset NAME or --session FILE (.json, a preset
// file or a PNG made by seqscope), with --step, --backend and the view flags applied on top. Throws compute::UserError (one line) for a bad file or an out-of-range step.
#pragma once
#include "app/cli.h"
#include "app/export_render.h"
#include "compute/session/session.h"

namespace seqscope::app {

compute::Session initial_session(const Options& options);

// Writes the session as JSON (every field) atomically.
void save_session_file(const compute::Session& session, const std::string& path);

}  // namespace seqscope::app
