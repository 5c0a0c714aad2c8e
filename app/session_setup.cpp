#include "app/session_setup.h"

#include <nlohmann/json.hpp>

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

compute::Session initial_session(const Options& options) { return initial_session_and_view(options).session; }

LoadedSession initial_session_and_view(const Options& options) {
  LoadedSession loaded = options.session_path ? load_session_or_png(*options.session_path) : LoadedSession{};
  if (options.preset && options.model.empty()) loaded.session = compute::find_preset(*options.preset).session;
  compute::Session& session = loaded.session;
  if (options.backend) session.backend = parse_backend(*options.backend);
  if (options.step) {
    const int length = compute::sequence_length(session);
    if (*options.step >= length)
      throw compute::UserError("--step " + std::to_string(*options.step) + " is out of range (0.." +
                               std::to_string(length - 1) + " for this session's L = " + std::to_string(length) + ")");
    session.cursor = *options.step;
  }
  compute::validate_session(session);
  return loaded;
}

void save_session_file(const compute::Session& session, const std::string& path) {
  compute::write_file_atomic(path, compute::session_to_json(session).dump(2) + "\n");
}

}  // namespace seqscope::app
