// The session a run starts from: the default, or --session FILE (.json or a PNG made by
// seqscope), with --step and --backend
// applied on top. Throws compute::UserError (one line) for a bad file or an out-of-range step.
#pragma once
#include "app/cli.h"
#include "app/export_render.h"
#include "compute/session/session.h"

namespace seqscope::app {

compute::Session initial_session(const Options& options);
// The same, with the view saved in a PNG's session (when --session names such a PNG).
LoadedSession initial_session_and_view(const Options& options);

// Writes the session as JSON (every field) atomically.
void save_session_file(const compute::Session& session, const std::string& path);

}  // namespace seqscope::app
