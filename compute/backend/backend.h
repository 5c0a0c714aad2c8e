// Backend: one interface for the Eigen reference and the Vulkan compute backend. A backend
// turns a Session and its Inputs into Results (every tensor the panels show), same shapes and
// meaning whichever backend ran; only Results::backend and Results::timings_ms differ.
#pragma once
#include <string>

#include "compute/backend/results.h"
#include "compute/session/inputs.h"
#include "compute/session/session.h"

namespace seqscope::compute {

class Backend {
 public:
  virtual ~Backend();
  virtual std::string name() const = 0;
  // Throws UserError for a session the math cannot run (bad size, too large to hold).
  virtual Results run(const Session& session, const Inputs& inputs) = 0;
};

}  // namespace seqscope::compute
