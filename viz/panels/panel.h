// Panel: one view of the Results (one class, one file each). draw() fills the current ImGui
// region (the dashboard gives each panel a child window; export gives it a whole image) and
// may change only the ViewState in the context.
#pragma once
#include <memory>
#include <vector>

#include "viz/panels/panel_context.h"
#include "viz/panels/panel_id.h"

namespace seqscope::viz {

class Panel {
 public:
  virtual ~Panel() = default;
  virtual PanelId id() const = 0;
  const char* name() const { return panel_info(id()).name; }    // export name, e.g. "ssm_state"
  const char* title() const { return panel_info(id()).title; }  // its header, e.g. "SSM state"
  virtual void draw(PanelContext& context) = 0;
};

// Every result panel, in k_panels order (viz/panels/panels.cpp).
std::vector<std::unique_ptr<Panel>> make_panels();

}  // namespace seqscope::viz
