// The registry of result panels: the dashboard lays them out by name and `seqscope export
// --panel NAME` renders one of them alone.
#include "viz/attention_panel.h"
#include "viz/cost_panel.h"
#include "viz/hidden_attention_panel.h"
#include "viz/outputs_panel.h"
#include "viz/panel.h"
#include "viz/ssm_dynamics_panel.h"
#include "viz/ssm_state_panel.h"
#include "viz/tokens_panel.h"

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
