// Helpers shared by the session tests: the one-line message a UserError carries.
#pragma once
#include <string>

#include "compute/session/session.h"

namespace seqscope::compute::testing {

// The message of the UserError that `action()` throws ("" when it throws none).
template <typename Action>
std::string user_error_of(Action&& action) {
  try {
    action();
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

inline std::string validate_error(const Session& s) {
  return user_error_of([&] { validate_session(s); });
}

}  // namespace seqscope::compute::testing
