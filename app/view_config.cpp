#include "app/view_config.h"

#include <algorithm>

#include "app/cli.h"
#include "compute/session/session_schema.h"
#include "viz/panels/panel_id.h"

namespace seqscope::app {
namespace {

std::string trimmed(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ",") + name;
  return text;
}

}  // namespace

std::vector<std::string> emphasized_panels(const std::string& list) {
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string name = trimmed(list.substr(start, comma - start));
    if (!name.empty() && !viz::panel_from_name(name))
      throw compute::UserError("view.emphasize: unknown panel '" + name + "' (see seqscope export --list-panels)");
    if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    start = comma + 1;
  }
  return names;
}

namespace {

// Calls pair(config field, view field) for every field the two share under the same meaning;
// the emphasized panels (a string in the file, a list on screen) are converted by the callers.
template <typename Config, typename View, typename Pair>
void each_view_field(Config& config, View& view, Pair&& pair) {
  pair(config.channel, view.channel);
  pair(config.head, view.head);
  pair(config.all_heads, view.all_heads);
  pair(config.normalization, view.normalization);
  pair(config.log_scale, view.log_scale);
  pair(config.shared_scale, view.shared_scale);
  pair(config.tab, view.dynamics_tab);
  pair(config.cost_tab, view.cost_tab);
  pair(config.state_color, view.state_color);
}

}  // namespace

viz::ViewState view_from_session(const compute::Session& session) {
  viz::ViewState view;
  view.cursor = session.cursor;
  each_view_field(session.view, view, [](const auto& from, auto& to) { to = from; });
  view.emphasized = emphasized_panels(session.view.emphasize);
  return view;
}

compute::Session session_with_view(compute::Session session, const viz::ViewState& view) {
  session.cursor = view.cursor;
  each_view_field(session.view, view, [](auto& to, const auto& from) { to = from; });
  session.view.emphasize = joined(view.emphasized);
  return session;
}

void apply_view_flags(const Options& options, compute::Session& session) {
  compute::ViewConfig& config = session.view;
  const ViewFlags& flags = options.view;
  if (flags.channel) {
    config.channel = *flags.channel;
    // α is computed for the session's listed channels only: asking to see channel C computes it
    // too (when the session has that channel and room in the list), so the α panel shows C.
    auto& channels = session.ssm.hidden_attention_channels;
    if (*flags.channel < session.d_model && std::find(channels.begin(), channels.end(), *flags.channel) == channels.end() &&
        channels.size() < static_cast<size_t>(compute::schema::kMaxHiddenChannels))
      channels.push_back(*flags.channel);
  }
  if (flags.head) config.head = *flags.head;
  if (flags.normalization)
    config.normalization = *compute::schema::enum_from_name<compute::MapNormalization>(*flags.normalization);
  if (flags.log_scale) config.log_scale = *flags.log_scale;
  if (flags.shared_scale) config.shared_scale = *flags.shared_scale;
  if (flags.tab) config.tab = *compute::schema::enum_from_name<compute::DynamicsTab>(*flags.tab);
  if (flags.cost_tab) config.cost_tab = *compute::schema::enum_from_name<compute::CostTab>(*flags.cost_tab);
  if (flags.state_color)
    config.state_color = *compute::schema::enum_from_name<compute::StateColorScope>(*flags.state_color);
  if (flags.emphasize) config.emphasize = *flags.emphasize;
  emphasized_panels(config.emphasize);  // a bad name fails here, before anything runs
}

}  // namespace seqscope::app
