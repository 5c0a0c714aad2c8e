// The session's `view` section (compute::ViewConfig, what a file or PNG saves) and the
// dashboard's ViewState (what the panels read and change each frame), converted both ways, and
// the --channel/--head/--normalization/--log/--shared-scale/--tab flags applied on top.
#pragma once
#include <string>
#include <vector>

#include "compute/session/session.h"
#include "viz/widgets/view_state.h"

namespace seqscope::app {

struct Options;

// Panel names of view.emphasize ("attention, hidden_attention"); UserError naming an unknown one.
std::vector<std::string> emphasized_panels(const std::string& list);

// The view a session asks for, with the cursor at session.cursor. UserError for a bad
// view.emphasize.
viz::ViewState view_from_session(const compute::Session& session);

// The session as shown: its cursor and view section taken from `view` (File > Save session,
// a PNG's metadata).
compute::Session session_with_view(compute::Session session, const viz::ViewState& view);

// The view flags of the command line over session.view (--channel C also adds C to the channels
// α is computed for, when it is not there yet).
void apply_view_flags(const Options& options, compute::Session& session);

}  // namespace seqscope::app
