// Panel: one view of the Results (one class, one file each). draw() fills the current ImGui
// region (the dashboard gives each panel a child window; export gives it a whole image) and
// may change only the ViewState in the context.
#pragma once
#include <memory>
#include <vector>

#include "viz/panels/panel_context.h"

namespace seqscope::viz {

class Panel {
 public:
  virtual ~Panel() = default;
  virtual const char* name() const = 0;   // export name, e.g. "ssm_state"
  virtual const char* title() const = 0;  // shown in its header, e.g. "SSM state h_t"
  virtual void draw(PanelContext& context) = 0;
};

// Every result panel, in k_panel_names order (viz/panels/panels.cpp).
std::vector<std::unique_ptr<Panel>> make_panels();

}  // namespace seqscope::viz
