#include "app/session_setup.h"

#include <nlohmann/json.hpp>

#include "app/view_config.h"
#include "compute/session/presets.h"
#include "core/atomic_file.h"

namespace seqscope::app {
namespace {

compute::BackendChoice parse_backend(const std::string& name) {
  if (name == "eigen") return compute::BackendChoice::Eigen;
  if (name == "vulkan") return compute::BackendChoice::Vulkan;
  return compute::BackendChoice::Auto;
}

}  // namespace

compute::Session initial_session(const Options& options) {
  compute::Session session = options.session_path ? load_session_or_png(*options.session_path) : compute::Session{};
  if (options.preset && options.model.empty()) session = compute::find_preset(*options.preset).session;
  if (options.backend) session.backend = parse_backend(*options.backend);
  if (options.step) {
    const int length = compute::sequence_length(session);
    if (*options.step >= length)
      throw compute::UserError("--step " + std::to_string(*options.step) + " is out of range (0.." +
                               std::to_string(length - 1) + " for this session's L = " + std::to_string(length) + ")");
    session.cursor = *options.step;
  }
  apply_view_flags(options, session);
  compute::validate_session(session);
  return session;
}

void save_session_file(const compute::Session& session, const std::string& path) {
  compute::write_file_atomic(path, compute::session_to_json(session).dump(2) + "\n");
}

}  // namespace seqscope::app
