// PanelId: the one table of result panels. Each entry names a panel for `seqscope export
// --panel NAME`, the dashboard layout and the PNG/menus, gives the title its header shows and
// its number in docs/dashboard.md (View > Panel numbers draws the same numbers).
#pragma once
#include <array>
#include <optional>
#include <string_view>

namespace seqscope::viz {

enum class PanelId { Tokens, SsmState, SsmDynamics, Attention, HiddenAttention, Outputs, Cost };

struct PanelInfo {
  PanelId id;
  const char* name;   // export name: "ssm_state"
  const char* title;  // header text: "SSM state"
  int docs_number;    // its item in docs/dashboard.md ("3. **SSM state** (`ssm_state`)")
};

// In the order of docs/dashboard.md's list (2 is the transport, 9 the controls: not panels).
inline constexpr std::array<PanelInfo, 7> k_panels{{
    {PanelId::Tokens, "tokens", "Input", 1},
    {PanelId::SsmState, "ssm_state", "SSM state", 3},
    {PanelId::SsmDynamics, "ssm_dynamics", "A / B / C dynamics", 4},
    {PanelId::Attention, "attention", "Attention", 5},
    {PanelId::HiddenAttention, "hidden_attention", "Hidden attention α (SSM)", 6},
    {PanelId::Outputs, "outputs", "Outputs", 7},
    {PanelId::Cost, "cost", "Cost: SSM vs attention", 8},
}};

constexpr const PanelInfo& panel_info(PanelId id) {
  for (const PanelInfo& info : k_panels)
    if (info.id == id) return info;
  return k_panels[0];
}

constexpr std::optional<PanelId> panel_from_name(std::string_view name) {
  for (const PanelInfo& info : k_panels)
    if (name == info.name) return info.id;
  return std::nullopt;
}

}  // namespace seqscope::viz
