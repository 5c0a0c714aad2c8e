// The app's export and open dialogs: File-menu items (export the dashboard or a panel as PNG,
// a GIF of stepping with a progress bar and Cancel, tensors as .npy or CSV; open a session from
// .json or a seqscope PNG, recent files), a small export button in each panel's corner, and the
// modals that take a typed path (ImGui has no native file dialog) and show a one-line error.
// Figures render offscreen through FigureRenderer: the same code path as `seqscope export`.
// The recent-files list lives next to imgui.ini: $XDG_CONFIG_HOME/seqscope/recent.json.
#pragma once
#include <imgui.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/export_render.h"
#include "app/workspace.h"
#include "gpu/context.h"
#include "viz/render/gif_writer.h"

namespace seqscope::app {

class Dashboard;

class ExportMenu {
 public:
  // recent_path: where the recent-files list is kept; empty to keep none (scripted runs).
  ExportMenu(gpu::Context& context, Workspace& workspace, Dashboard& dashboard, std::string device_label,
             std::string recent_path);
  ~ExportMenu();

  void draw_file_menu_items();
  void draw_panel_button(const char* panel);  // inside the panel's child window
  void draw_dialogs();                        // once per frame, inside the dashboard window
  // Opens a session (.json or PNG) as File > Open does; returns the error, empty on success.
  std::string open_session(const std::string& path);
  const std::vector<std::string>& recent() const { return recent_; }

 private:
  enum class Dialog { None, Png, Gif, Tensors, Open };
  struct GifJob;

  void draw_png_dialog();
  void draw_gif_dialog();
  void draw_gif_progress();
  void draw_tensors_dialog();
  void draw_open_dialog();
  void draw_target_and_scale();
  FigureSpec figure_spec() const;
  void export_png();
  void export_tensors();
  void start_gif();
  void remember(const std::string& path);
  bool error_line_and_buttons(const char* action);

  gpu::Context& context_;
  Workspace& workspace_;
  Dashboard& dashboard_;
  std::string device_label_;
  std::string recent_path_;
  std::vector<std::string> recent_;
  std::map<std::string, ImVec2> panel_sizes_;  // on-screen size of each panel, for its figure

  Dialog open_dialog_ = Dialog::None;
  std::string target_;  // panel name, empty: dashboard
  int scale_index_ = 0;  // x1, x2, x4
  bool transparent_ = false;
  std::string png_path_ = "figure.png", gif_path_ = "stepping.gif", tensors_dir_ = "tensors", open_path_;
  int tensor_format_ = 0;  // .npy, CSV
  int gif_from_ = 0, gif_to_ = 0, gif_fps_ = 8;
  std::string message_;  // last error (red) or success line
  bool message_is_error_ = false;
  bool keep_message_ = false;  // the GIF dialog reopens showing how the job ended
  std::unique_ptr<GifJob> gif_job_;
};

}  // namespace seqscope::app
