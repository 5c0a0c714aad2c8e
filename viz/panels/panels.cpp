// The registry of result panels: the dashboard lays them out by name and `seqscope export
// --panel NAME` renders one of them alone.
#include "viz/panels/attention_panel.h"
#include "viz/panels/cost_panel.h"
#include "viz/panels/hidden_attention_panel.h"
#include "viz/panels/outputs_panel.h"
#include "viz/panels/panel.h"
#include "viz/panels/ssm_dynamics_panel.h"
#include "viz/panels/ssm_state_panel.h"
#include "viz/panels/tokens_panel.h"

namespace seqscope::viz {

std::vector<std::unique_ptr<Panel>> make_panels() {
  std::vector<std::unique_ptr<Panel>> panels;
  panels.push_back(std::make_unique<TokensPanel>());
  panels.push_back(std::make_unique<SsmStatePanel>());
  panels.push_back(std::make_unique<SsmDynamicsPanel>());
  panels.push_back(std::make_unique<AttentionPanel>());
  panels.push_back(std::make_unique<HiddenAttentionPanel>());
  panels.push_back(std::make_unique<OutputsPanel>());
  panels.push_back(std::make_unique<CostPanel>());
  return panels;
}

}  // namespace seqscope::viz
