// SsmDynamicsPanel ("ssm_dynamics"): what turns the continuous SSM into the recurrence, for the
// selected channel, in tabs: eigenvalues of A and Abar (with a display-only Δ slider and
// discretization choice, so the user sees how Δ moves the poles and when forward Euler leaves
// the unit circle), Δ_t over t (selectivity), the Abar / Bbar / C maps, the LTI kernel K, and
// the formulas written out with the numbers at t.
#pragma once
#include "compute/session/session.h"
#include "viz/panels/panel.h"

namespace seqscope::viz {

class SsmDynamicsPanel : public Panel {
 public:
  PanelId id() const override { return PanelId::SsmDynamics; }
  void draw(PanelContext& context) override;

  // The open tab is the view's dynamics_tab: set it to bring a tab to the front (a session's
  // view.tab, a lesson step); a click on a tab sets it.

  // The display-only Δ and discretization of the Eigenvalues tab (never the model's).
  float display_delta() const { return display_delta_; }
  compute::Discretization display_method() const { return display_method_; }

 private:
  void draw_header(PanelContext& context);
  void draw_tab(PanelContext& context, compute::DynamicsTab tab);
  void sync_display(const PanelContext& context);
  void draw_eigenvalues(PanelContext& context);
  void draw_eigen_controls(PanelContext& context, float width, bool stacked, bool enabled);
  void draw_delta(PanelContext& context);
  void draw_matrices(PanelContext& context);
  void draw_diagonal_matrices(PanelContext& context);
  void draw_dense_matrices(PanelContext& context);
  void draw_kernel(PanelContext& context);
  void draw_formulas(PanelContext& context);

  // Display Δ follows Δ_t of the selected channel until the user drags it; re-synced when the
  // Results, the channel or the cursor change.
  float display_delta_ = 0.01f;
  compute::Discretization display_method_ = compute::Discretization::Zoh;
  const void* sync_key_ = nullptr;
  int sync_channel_ = -1, sync_cursor_ = -1;
  int mode_ = 0;  // state index n of the Formulas tab
  int shown_tab_ = -1;  // the tab drawn last frame
};

}  // namespace seqscope::viz
