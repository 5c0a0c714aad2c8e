// The registry of result panels: the dashboard lays them out by name and `seqscope export
// --panel NAME` renders one of them alone.
#include "viz/hidden_attention_panel.h"
#include "viz/panel.h"
#include "viz/ssm_dynamics_panel.h"
#include "viz/ssm_state_panel.h"

namespace seqscope::viz {

std::vector<std::unique_ptr<Panel>> make_panels() {
  std::vector<std::unique_ptr<Panel>> panels;
  panels.push_back(std::make_unique<SsmStatePanel>());
  panels.push_back(std::make_unique<SsmDynamicsPanel>());
  panels.push_back(std::make_unique<HiddenAttentionPanel>());
  return panels;
}

}  // namespace seqscope::viz
