// Dashboard: wires the panels into one window that fills the display. Top: the input strip and
// the transport; left: the controls; then the SSM column and the attention column side by
// side, matching panels aligned (hidden attention α next to the attention map), with
// draggable splitters; a menu bar, a status bar, a help window and an error modal.
#pragma once
#include <imgui.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/cost_sweep.h"
#include "app/lesson_controller.h"
#include "app/model_zoo.h"
#include "app/train_window.h"
#include "app/workspace.h"
#include "compute/session/presets.h"
#include "gpu/context.h"
#include "viz/panels/controls_panel.h"
#include "viz/panels/panel.h"
#include "viz/panels/transport_panel.h"
#include "viz/render/gpu_results.h"
#include "viz/render/heatmap.h"
#include "viz/widgets/view_state.h"

namespace seqscope::app {

class ExportMenu;

struct DashboardStatus {
  std::string device;
  float frame_ms = 0.0f;
  std::string notice;  // one line, e.g. a font fallback
  viz::KeyTaps key_taps;  // the arrow presses the window counted since the last frame
};

class Dashboard {
 public:
  Dashboard(const gpu::Context& context, viz::HeatmapRenderer& heatmaps, Workspace& workspace);
  // Draws everything for this frame; returns false when the user asked to quit.
  bool draw(const DashboardStatus& status);
  // Call after the workspace produced new Results (uploads them for the heatmaps).
  void on_new_results();
  // Per-frame playback; dt in seconds.
  void advance(double dt_seconds);
  // Something changes on screen by itself, so the window keeps drawing (app/redraw_policy.h):
  // playback, a recompute, the cost sweep, training, a lesson's evaluations, rows being fitted.
  bool animating() const;
  viz::ViewState& view() { return view_; }
  void set_panel_numbers(bool on) { show_panel_numbers_ = on; }
  // "name=WxH@X,Y" for every panel drawn in the last frame (scripted checks of the layout).
  std::string panel_layout() const;
  // Pixels of each panel's content the last frame cut off at its bottom (0 when it all fits).
  float panel_overflow(std::string_view name) const;
  // Draws result panels side by side as one figure (export --panel a,b; figure_map.h): equal
  // columns, no live controls, one colorbar at the right when the view shares the map range.
  // tight: the maps size to the column width and other panels to 0.62 of it, so the height
  // follows the width (the figure is cropped to figure_bottom()). False when a name is unknown.
  bool draw_figure(const std::vector<std::string>& names, bool tight);
  // The lowest pixel row the last draw_figure drew, window padding included.
  float figure_bottom() const { return figure_bottom_; }
  // Lessons (app/lesson_controller.h): open one at a step (0-based); show the "Start here" list.
  // Headless export: the open lesson's evaluations of trained models, finished before the figure.
  void wait_for_lesson_evaluations() { lessons_.wait_for_evaluations(); }
  void open_lesson(const compute::Lesson& lesson, int step);
  void show_lesson_list() { lessons_.request_start_window(); }
  TrainWindow& train_window() { return train_window_; }
  // The app's export and open menus (File menu items, panel corner buttons, their dialogs);
  // figures rendered offscreen have none.
  void set_export_menu(ExportMenu* menu) { export_menu_ = menu; }
  // The Cost panel's measured sweep (app/cost_sweep.h). Each dashboard starts with a threaded
  // runner of its own; figures share the window's, headless export sets a blocking one.
  void set_cost_sweep(std::shared_ptr<CostSweepRunner> sweep) { sweep_ = std::move(sweep); }
  const std::shared_ptr<CostSweepRunner>& cost_sweep() const { return sweep_; }

 private:
  void draw_menu_bar();
  void open_zoo_model(const ZooModel& model);
  void open_preset(const compute::Preset& preset);  // its session, or its trained models
  void draw_top_strip(viz::PanelContext& context);
  void draw_columns(viz::PanelContext& context, float height);
  void draw_panel_child(viz::PanelId id, viz::PanelContext& context, ImVec2 size);
  void draw_status_bar(const DashboardStatus& status);
  void draw_panel_numbers();
  void draw_help_window();
  void draw_error_modal();
  void draw_save_dialog();
  float splitter(const char* id, bool vertical, float* position, float min, float max, float length);
  void fit_rows_to_emphasis();
  void grow_emphasized_rows();
  void draw_first_run_progress(float status_height);
  bool emphasized(std::string_view panel) const;  // by the lesson step or the view
  viz::PanelContext panel_context();
  void start_lesson_sweep();
  void handle_sweep_request(const viz::PanelContext& context);
  viz::Panel* find_panel(viz::PanelId id);

  Workspace& workspace_;
  viz::GpuResults gpu_;
  viz::HeatmapRenderer& heatmaps_;
  std::vector<std::unique_ptr<viz::Panel>> panels_;
  viz::TransportPanel transport_;
  viz::ControlsPanel controls_;
  viz::ViewState view_;
  std::vector<compute::Preset> presets_;
  LessonController lessons_;
  TrainWindow train_window_;
  std::vector<ZooModel> zoo_ = zoo_models();  // the Presets menu's "Trained: ..." entries
  ImVec2 item_spacing_{8.0f, 5.0f};  // the theme's, restored inside each panel
  ExportMenu* export_menu_ = nullptr;
  float controls_width_ = 300.0f;  // at scale 1 (a 15 px font); drawn times the font scale
  float column_split_ = 0.5f;     // fraction of the width for the SSM column
  float row_split_[2] = {0.45f, 0.75f};  // row boundaries as fractions of the height
  std::optional<std::array<float, 2>> rows_before_lesson_;  // restored when the lesson closes
  // LessonController::applied() and the view's emphasis the rows were last fitted to.
  std::optional<std::pair<int, std::vector<std::string>>> rows_fitted_to_;
  float figure_bottom_ = 0.0f;
  static constexpr int k_fit_frames = 4;  // frames after a fit in which cut-off emphasized rows grow
  int frames_since_fit_ = k_fit_frames;
  float usable_height_ = 0.0f;   // the panel grid's rows together, last frame
  float visible_bottom_ = 0.0f;  // screen y below which the grid (scrolled) hides what it draws
  std::shared_ptr<CostSweepRunner> sweep_;
  bool show_controls_ = true;
  bool show_panel_numbers_ = false;  // numbered badges matching docs/dashboard.md
  bool show_help_ = false;
  bool quit_ = false;
  bool open_save_ = false;
  std::string save_path_ = "session.json";
  std::string save_message_;  // why the last save failed (shown in the dialog), this dashboard's own
  std::string shown_error_;
  struct PanelRect {
    std::string name;
    ImVec2 min, size;
    float overflow = 0.0f;  // pixels of content below the panel's bottom edge (cut off)
  };
  std::vector<PanelRect> panel_rects_;  // last frame's, for panel_layout()
};

}  // namespace seqscope::app
