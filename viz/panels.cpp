// The registry of result panels: the dashboard lays them out by name and `seqscope export
// --panel NAME` renders one of them alone.
#include "viz/attention_panel.h"
#include "viz/cost_panel.h"
#include "viz/outputs_panel.h"
#include "viz/panel.h"
#include "viz/tokens_panel.h"

namespace seqscope::viz {

std::vector<std::unique_ptr<Panel>> make_panels() {
  std::vector<std::unique_ptr<Panel>> panels;
  panels.push_back(std::make_unique<TokensPanel>());
  panels.push_back(std::make_unique<AttentionPanel>());
  panels.push_back(std::make_unique<OutputsPanel>());
  panels.push_back(std::make_unique<CostPanel>());
  return panels;
}

}  // namespace seqscope::viz
