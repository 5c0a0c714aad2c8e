// Dashboard (dashboard.h): the panels laid out in one window, with menus and a status bar.
//
// Index (each part starts at a "// [SECTION] name" line):
//   construction
//   per-frame draw
//   layout
//   menus
//   status bar, dialogs
//   single-panel export
#include "app/dashboard.h"

#include "app/model_source.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "app/export_menu.h"
#include "app/session_setup.h"
#include "app/view_config.h"
#include "compute/backend/eigen_backend.h"
#include "viz/panels/map_range.h"
#include "viz/render/headless_ui.h"
#include "viz/render/heatmap_item.h"

namespace seqscope::app {
namespace {

constexpr ImGuiWindowFlags k_root_flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                          ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
constexpr float k_splitter = 6.0f;
constexpr float k_token_strip_lines = 3.2f;  // height of the input strip in text lines
constexpr float k_min_grid_lines = 46.0f;    // the panel grid's least height, in font sizes

// Fixed sizes below are for a 15 px font; exported figures at x2/x4 and HiDPI windows scale them.
float ui_scale() { return ImGui::GetFontSize() / viz::k_base_font_px; }

// The three rows of each column; index 0 holds the two "attention maps" side by side.
constexpr viz::PanelId k_ssm_column[3] = {viz::PanelId::HiddenAttention, viz::PanelId::SsmState,
                                          viz::PanelId::SsmDynamics};
constexpr viz::PanelId k_attention_column[3] = {viz::PanelId::Attention, viz::PanelId::Outputs, viz::PanelId::Cost};

}  // namespace

// [SECTION] construction
Dashboard::Dashboard(const gpu::Context& context, viz::HeatmapRenderer& heatmaps, Workspace& workspace)
    : workspace_(workspace),
      gpu_(context),
      heatmaps_(heatmaps),
      panels_(viz::make_panels()),
      sweep_(std::make_shared<CostSweepRunner>(context.device_info().index, false)) {
  presets_ = compute::load_presets();
  view_ = view_from_session(workspace.session());
  if (workspace_.has_results()) on_new_results();
}

void Dashboard::on_new_results() {
  gpu_.upload(workspace_.results_snapshot(), view_.normalization, view_.pooled);
  const compute::Results& results = gpu_.results();
  const int length = results.inputs.length();
  lessons_.on_new_results(view_);
  view_.cursor = std::clamp(view_.cursor, 0, std::max(0, length - 1));
  view_.channel = std::clamp(view_.channel, 0, std::max(0, results.ssm.D - 1));
  view_.head = std::clamp(view_.head, 0, std::max(0, results.attention.H - 1));
}

void Dashboard::advance(double dt_seconds) {
  if (gpu_.has_results()) viz::TransportPanel::advance(view_, gpu_.results().inputs.length(), dt_seconds);
}

bool Dashboard::animating() const {
  return view_.playing || workspace_.busy() || (sweep_ && sweep_->running()) || train_window_.training() ||
         lessons_.evaluating() || frames_since_fit_ < k_fit_frames;
}

viz::Panel* Dashboard::find_panel(viz::PanelId id) {
  for (auto& panel : panels_)
    if (panel->id() == id) return panel.get();
  return nullptr;
}

void Dashboard::open_lesson(const compute::Lesson& lesson, int step) {
  show_controls_ = true;
  lessons_.open(lesson, step, workspace_, view_);
}

// [SECTION] per-frame draw
viz::PanelContext Dashboard::panel_context() {
  viz::PanelContext context{gpu_, heatmaps_, view_};
  context.sweep = &sweep_->view();
  return context;
}

// A lesson step that shows the measured sweep starts one, unless one runs or is on screen.
void Dashboard::start_lesson_sweep() {
  sweep_->poll();
  if (lessons_.take_sweep_request() && !sweep_->running() && !sweep_->has_result())
    sweep_->start(gpu_.results().backend);
}

// What the Cost panel's buttons asked for.
void Dashboard::handle_sweep_request(const viz::PanelContext& context) {
  if (context.sweep_request == viz::SweepRequest::Start) sweep_->start(gpu_.results().backend);
  if (context.sweep_request == viz::SweepRequest::Cancel) sweep_->cancel();
}

bool Dashboard::draw(const DashboardStatus& status) {
  grow_emphasized_rows();  // from the last frame's panel_rects_
  panel_rects_.clear();
  visible_bottom_ = std::numeric_limits<float>::max();
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  // The root window draws no background: the clear color is the same, and on a CPU Vulkan
  // device a full-screen textured quad costs a large share of every frame.
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0, 0, 0, 0));
  ImGui::Begin("seqscope", nullptr, k_root_flags | ImGuiWindowFlags_MenuBar);
  ImGui::PopStyleColor();
  draw_menu_bar();
  const float status_height = ImGui::GetFrameHeightWithSpacing() + 2.0f;
  // The panels draw what the GPU copies were made from (the workspace may hold newer Results).
  if (gpu_.has_results()) {
    const int length = gpu_.results().inputs.length();
    viz::TransportPanel::handle_keys(view_, length, status.key_taps);
    start_lesson_sweep();
    fit_rows_to_emphasis();
    viz::PanelContext context = panel_context();
    draw_top_strip(context);
    const float body = ImGui::GetContentRegionAvail().y - status_height;
    if (show_controls_) {
      const float scale = ui_scale();
      // While a lesson runs, the Lesson panel takes the controls column (a little wider).
      if (lessons_.active()) controls_width_ = std::max(controls_width_, 380.0f);
      float width = controls_width_ * scale;
      ImGui::BeginChild("controls", ImVec2(width, body), true);
      if (lessons_.active()) {
        lessons_.draw(context, workspace_);
      } else if (workspace_.model()) {
        // A model folder decides every setting; its own controls replace the synthetic ones.
        if (workspace_.model()->draw_controls(view_)) workspace_.mark_dirty();
      } else {
        compute::Session edited = workspace_.session();
        if (controls_.draw(edited)) workspace_.edit() = std::move(edited);
      }
      ImGui::EndChild();
      ImGui::SameLine(0.0f, 0.0f);
      controls_width_ = splitter("##controls_split", true, &width, 220.0f * scale, 520.0f * scale, body) / scale;
      ImGui::SameLine(0.0f, 0.0f);
    }
    // Below a minimum height the panel grid scrolls instead of squeezing its plots flat; not
    // while a lesson (or the view) emphasizes panels: those must be on screen, the others give way.
    const bool fit_emphasis = lessons_.active() || !view_.emphasized.empty();
    const float grid_height = fit_emphasis ? body : std::max(body, ImGui::GetFontSize() * k_min_grid_lines);
    ImGui::BeginChild("##columns", ImVec2(0.0f, body), false,
                      grid_height > body ? ImGuiWindowFlags_AlwaysVerticalScrollbar : ImGuiWindowFlags_None);
    item_spacing_ = ImGui::GetStyle().ItemSpacing;
    visible_bottom_ = ImGui::GetWindowPos().y + ImGui::GetWindowSize().y;  // the grid's, when it scrolls
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0.0f, 0.0f));  // splitters are the only gaps
    draw_columns(context, grid_height);
    ImGui::PopStyleVar();
    ImGui::EndChild();
    if (context.maps_dirty) gpu_.upload_maps(view_.normalization, view_.pooled);
    handle_sweep_request(context);
  } else if (workspace_.busy()) {
    draw_first_run_progress(status_height);
  } else {
    ImGui::TextWrapped("Nothing computed yet: %s", workspace_.error().c_str());
    ImGui::Dummy(ImVec2(0, ImGui::GetContentRegionAvail().y - status_height));
  }
  draw_status_bar(status);
  if (show_panel_numbers_) draw_panel_numbers();
  draw_error_modal();
  draw_save_dialog();
  if (export_menu_) export_menu_->draw_dialogs();
  ImGui::End();
  draw_help_window();
  lessons_.draw_start_window(workspace_, view_);
  train_window_.draw(workspace_);
  if (ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed('Q')) quit_ = true;  // 1.86 + GLFW: ASCII key codes
  return !quit_;
}

// [SECTION] layout
float Dashboard::splitter(const char* id, bool vertical, float* position, float min, float max, float length) {
  const float thickness = k_splitter * ui_scale();
  const ImVec2 size = vertical ? ImVec2(thickness, length) : ImVec2(length, thickness);
  ImGui::InvisibleButton(id, size);
  const bool active = ImGui::IsItemActive();
  if (ImGui::IsItemHovered() || active) {
    ImGui::SetMouseCursor(vertical ? ImGuiMouseCursor_ResizeEW : ImGuiMouseCursor_ResizeNS);
    ImGui::GetWindowDrawList()->AddRectFilled(ImGui::GetItemRectMin(), ImGui::GetItemRectMax(),
                                              ImGui::GetColorU32(active ? ImGuiCol_SeparatorActive
                                                                        : ImGuiCol_SeparatorHovered));
  }
  if (active) {
    const float delta = vertical ? ImGui::GetIO().MouseDelta.x : ImGui::GetIO().MouseDelta.y;
    *position = std::clamp(*position + delta, min, max);
  }
  return *position;
}

// While a lesson runs (or the session's view emphasizes panels), the rows holding the panels a
// step talks about get twice their share of the height (from the layout before, which comes back
// when it ends). Fitted once per step or emphasis, so the splitters still work within a step.
void Dashboard::fit_rows_to_emphasis() {
  if (!lessons_.active() && view_.emphasized.empty()) {
    if (rows_before_lesson_) std::copy(rows_before_lesson_->begin(), rows_before_lesson_->end(), row_split_);
    rows_before_lesson_.reset();
    rows_fitted_to_.reset();
    return;
  }
  const auto fitted_to = std::make_pair(lessons_.applied(), view_.emphasized);
  if (rows_fitted_to_ == fitted_to) return;
  rows_fitted_to_ = fitted_to;
  frames_since_fit_ = 0;
  if (!rows_before_lesson_) rows_before_lesson_ = std::array<float, 2>{row_split_[0], row_split_[1]};
  const auto& before = *rows_before_lesson_;
  float share[3] = {before[0], before[1] - before[0], 1.0f - before[1]};
  auto emphasized_id = [&](viz::PanelId id) { return emphasized(viz::panel_info(id).name); };
  for (int row = 0; row < 3; ++row)
    if (emphasized_id(k_ssm_column[row]) || emphasized_id(k_attention_column[row])) share[row] *= 2.0f;
  const float total = share[0] + share[1] + share[2];
  row_split_[0] = share[0] / total;
  row_split_[1] = (share[0] + share[1]) / total;
}

// For a few frames after the rows were fitted to a step, an emphasized panel whose content was
// cut off takes the missing pixels from the rows that hold no emphasized panel (each keeps at
// least a tenth of the grid). Later frames leave the rows to the splitters.
void Dashboard::grow_emphasized_rows() {
  if (!rows_fitted_to_ || frames_since_fit_ >= k_fit_frames || usable_height_ <= 0.0f) return;
  ++frames_since_fit_;
  const float usable = usable_height_, floor = 0.1f * usable;
  float height[3] = {row_split_[0] * usable, (row_split_[1] - row_split_[0]) * usable, (1.0f - row_split_[1]) * usable};
  float need[3] = {0.0f, 0.0f, 0.0f}, spare[3] = {0.0f, 0.0f, 0.0f};
  float needed = 0.0f, available = 0.0f;
  for (int row = 0; row < 3; ++row) {
    bool holds_emphasis = false;
    for (const viz::PanelId id : {k_ssm_column[row], k_attention_column[row]}) {
      const char* name = viz::panel_info(id).name;
      if (!emphasized(name)) continue;
      holds_emphasis = true;
      need[row] = std::max(need[row], panel_overflow(name) > 0.5f ? panel_overflow(name) + 2.0f : 0.0f);
    }
    if (!holds_emphasis) spare[row] = std::max(0.0f, height[row] - floor);
    needed += need[row];
    available += spare[row];
  }
  if (needed <= 0.0f || available <= 0.0f) return;
  const float moved = std::min(needed, available);
  for (int row = 0; row < 3; ++row)
    height[row] += need[row] / needed * moved - spare[row] / available * moved;
  row_split_[0] = height[0] / usable;
  row_split_[1] = (height[0] + height[1]) / usable;
}

bool Dashboard::emphasized(std::string_view panel) const {
  return lessons_.emphasized(panel) ||
         std::find(view_.emphasized.begin(), view_.emphasized.end(), panel) != view_.emphasized.end();
}

void Dashboard::draw_top_strip(viz::PanelContext& context) {
  // Two real models with their own tokenizers stack two strips, each with its header and boxes.
  const float lines = context.results.attention_tokens.active() ? 2.0f * k_token_strip_lines : k_token_strip_lines;
  const float strip = ImGui::GetTextLineHeightWithSpacing() * lines + ImGui::GetStyle().WindowPadding.y * 2;
  draw_panel_child(viz::PanelId::Tokens, context, ImVec2(0, strip));
  transport_.draw(view_, context.results.inputs.length());
}

void Dashboard::draw_panel_child(viz::PanelId id, viz::PanelContext& context, ImVec2 size) {
  viz::Panel* panel = find_panel(id);
  const char* name = viz::panel_info(id).name;
  ImGui::BeginChild(name, size, true, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  panel_rects_.push_back({name, ImGui::GetWindowPos(), ImGui::GetWindowSize()});
  // The grid of panels is laid out with zero item spacing; inside a panel the theme's applies.
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, item_spacing_);
  if (panel) {
    ImGui::PushID(name);
    panel->draw(context);
    ImGui::PopID();
  } else {
    ImGui::TextDisabled("%s", name);
  }
  // The cursor sits one item spacing under the last thing drawn.
  const float content_bottom = ImGui::GetCursorScreenPos().y - item_spacing_.y;
  const float visible_bottom =
      std::min(ImGui::GetWindowPos().y + ImGui::GetWindowContentRegionMax().y, visible_bottom_);
  panel_rects_.back().overflow = std::max(0.0f, content_bottom - visible_bottom);
  if (export_menu_) export_menu_->draw_panel_button(name);
  ImGui::PopStyleVar();
  ImGui::EndChild();
  if (emphasized(name))
    ImGui::GetWindowDrawList()->AddRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), viz::k_emphasis_color, 3.0f, 0, 3.0f);
}

void Dashboard::draw_columns(viz::PanelContext& context, float height) {
  const float width = ImGui::GetContentRegionAvail().x;
  const float thickness = k_splitter * ui_scale();
  const float usable_w = std::max(200.0f, width - thickness);
  const float usable_h = std::max(200.0f, height - 2.0f * thickness);
  usable_height_ = usable_h;
  float left_w = column_split_ * usable_w;
  const float row_h[3] = {row_split_[0] * usable_h, (row_split_[1] - row_split_[0]) * usable_h,
                          (1.0f - row_split_[1]) * usable_h};
  for (int row = 0; row < 3; ++row) {
    draw_panel_child(k_ssm_column[row], context, ImVec2(left_w, row_h[row]));
    ImGui::SameLine(0.0f, 0.0f);
    ImGui::PushID(row);
    splitter("##column_split", true, &left_w, 0.2f * usable_w, 0.8f * usable_w, row_h[row]);
    ImGui::PopID();
    ImGui::SameLine(0.0f, 0.0f);
    draw_panel_child(k_attention_column[row], context, ImVec2(usable_w - left_w, row_h[row]));
    if (row < 2) {
      float boundary = row_split_[row] * usable_h;
      ImGui::PushID(10 + row);
      splitter("##row_split", false, &boundary, 0.15f * usable_h, 0.9f * usable_h, width);
      ImGui::PopID();
      row_split_[row] = boundary / usable_h;
    }
  }
  column_split_ = left_w / usable_w;
  // Keep the rows ordered and each at least 10% tall.
  row_split_[0] = std::clamp(row_split_[0], 0.1f, 0.8f);
  row_split_[1] = std::clamp(row_split_[1], row_split_[0] + 0.1f, 0.9f);
}

// [SECTION] menus
void Dashboard::open_zoo_model(const ZooModel& model) {
  try {
    lessons_.close();
    workspace_.use_model(std::make_unique<ModelSource>(model.dir.string(), "", std::nullopt, 0));
    view_.cursor = 0;
  } catch (const compute::UserError& e) {
    workspace_.report_error(model.name + ": " + e.what());
  }
}

void Dashboard::open_preset(const compute::Preset& preset) {
  lessons_.close();  // a preset is a session of its own: the lesson's text would not fit it
  if (!preset.models.shown()) {
    workspace_.replace(preset.session);
    view_ = view_from_session(preset.session);
    return;
  }
  try {
    workspace_.use_model(open_shown_models(preset.models, {}));  // presets retrain nothing
    view_.cursor = 0;
  } catch (const compute::UserError& e) {
    workspace_.report_error(preset.title + ": " + e.what());
  }
}

void Dashboard::draw_menu_bar() {
  if (!ImGui::BeginMenuBar()) return;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Save session...", "Ctrl+S")) open_save_ = true;
    if (export_menu_) export_menu_->draw_file_menu_items();
    ImGui::Separator();
    if (ImGui::MenuItem("Quit", "Ctrl+Q")) quit_ = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Presets")) {
    for (const compute::Preset& preset : presets_)
      if (ImGui::MenuItem(preset.title.c_str())) open_preset(preset);
    ImGui::Separator();
    // The zoo and the lessons in submenus: together they are taller than a 768-pixel screen.
    if (!zoo_.empty() && ImGui::BeginMenu("Trained models (the zoo)")) {
      for (const ZooModel& model : zoo_)
        if (ImGui::MenuItem(("Trained: " + model.title).c_str())) open_zoo_model(model);
      ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Lessons")) {
      lessons_.draw_menu_items(workspace_, view_);
      ImGui::EndMenu();
    }
    ImGui::Separator();
    if (ImGui::MenuItem("Reset to the default session")) workspace_.replace(compute::Session{});
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    if (ImGui::MenuItem("Train...", nullptr, train_window_.is_open())) train_window_.open();
    ImGui::MenuItem("Controls", nullptr, &show_controls_);
    ImGui::MenuItem("Panel numbers (as in the docs)", nullptr, &show_panel_numbers_);
    if (ImGui::BeginMenu("Map normalization")) {
      for (const auto& normalization : viz::k_map_normalizations)
        if (const viz::MapNormalization n = normalization.value;
            ImGui::MenuItem(normalization.label, nullptr, view_.normalization == n) && view_.normalization != n) {
          view_.normalization = n;
          gpu_.upload_maps(n, view_.pooled);
        }
      ImGui::EndMenu();
    }
    ImGui::MenuItem("Log color scale for maps", nullptr, &view_.log_scale);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Help")) {
    if (ImGui::MenuItem("Shortcuts and panels", "F1")) show_help_ = true;
    ImGui::EndMenu();
  }
  ImGui::EndMenuBar();
  if (ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed('S')) open_save_ = true;
  if (ImGui::IsKeyPressed(290 /* GLFW_KEY_F1 */, false)) show_help_ = true;
}

// The window before the first Results: what is computing, for how long, and how far it got.
void Dashboard::draw_first_run_progress(float status_height) {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float width = std::min(avail.x * 0.6f, 40.0f * ImGui::GetFontSize());
  ImGui::SetCursorPos(ImVec2(ImGui::GetCursorPosX() + 0.5f * (avail.x - width),
                             ImGui::GetCursorPosY() + 0.4f * (avail.y - status_height)));
  ImGui::BeginGroup();
  ImGui::Text("computing L = %d (%.1f s)", workspace_.busy_length(), workspace_.busy_seconds());
  const std::string stage = workspace_.busy_stage();
  const float fraction = workspace_.busy_fraction();
  // Before any run has finished the number of stages is unknown: the bar then sweeps.
  const float shown = fraction >= 0.0f ? fraction : std::fmod(static_cast<float>(workspace_.busy_seconds()) * 0.5f, 1.0f);
  ImGui::ProgressBar(shown, ImVec2(width, 0.0f), stage.empty() ? "starting" : ("done: " + stage).c_str());
  ImGui::TextDisabled("the panels appear when the first results are ready");
  ImGui::EndGroup();
  ImGui::SetCursorPosY(ImGui::GetWindowContentRegionMax().y - status_height);
}

// [SECTION] status bar, dialogs
void Dashboard::draw_status_bar(const DashboardStatus& status) {
  ImGui::Separator();
  ImGui::Text("device: %s", status.device.c_str());
  if (gpu_.has_results()) {
    const compute::Results& r = gpu_.results();
    ImGui::SameLine(0.0f, 20.0f);
    // Memory in use: the CPU results (estimated from their shapes) plus their GPU copies.
    const double cpu_mb = compute::estimate_result_bytes(r.session, r.inputs.length()) / (1024.0 * 1024.0);
    const double gpu_mb = static_cast<double>(gpu_.bytes()) / (1024.0 * 1024.0);
    ImGui::Text("backend: %s   recompute %.1f ms   L = %d   D = %d   N = %d   H = %d   memory %.1f MB + GPU %.1f MB",
                r.backend.c_str(), workspace_.last_recompute_ms(), r.inputs.length(), r.ssm.D, r.ssm.N, r.attention.H,
                cpu_mb, gpu_mb);
  }
  if (workspace_.busy()) {
    ImGui::SameLine(0.0f, 20.0f);
    const std::string stage = workspace_.busy_stage();
    ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.3f, 1.0f), "%s L = %d ... %.1f s%s%s",
                       gpu_.has_results() ? "recomputing" : "computing", workspace_.busy_length(),
                       workspace_.busy_seconds(), stage.empty() ? "" : ", done: ", stage.c_str());
  }
  if (status.frame_ms > 0.0f) {  // headless exports have no frame loop
    ImGui::SameLine(0.0f, 20.0f);
    ImGui::Text("frame %.1f ms", status.frame_ms);
  }
  const std::string& notice = !workspace_.error().empty() ? workspace_.error()
                              : !workspace_.notice().empty() ? workspace_.notice()
                                                              : status.notice;
  if (!notice.empty()) {
    ImGui::SameLine(0.0f, 20.0f);
    ImGui::TextColored(workspace_.error().empty() ? ImVec4(1.0f, 0.8f, 0.3f, 1.0f) : ImVec4(1.0f, 0.45f, 0.4f, 1.0f),
                       "%s", notice.c_str());
  }
}

void Dashboard::draw_error_modal() {
  const std::string& error = workspace_.error();
  if (!error.empty() && error != shown_error_) {
    shown_error_ = error;
    ImGui::OpenPopup("Cannot compute this session");
  }
  if (error.empty()) shown_error_.clear();
  if (ImGui::BeginPopupModal("Cannot compute this session", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 36.0f);
    ImGui::TextUnformatted(error.c_str());
    ImGui::TextDisabled("The last good results stay on screen; change the setting to continue.");
    ImGui::PopTextWrapPos();
    if (ImGui::Button("OK", ImVec2(120, 0))) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
}

void Dashboard::draw_save_dialog() {
  if (open_save_) {
    ImGui::OpenPopup("Save session");
    open_save_ = false;
  }
  if (!ImGui::BeginPopupModal("Save session", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  std::string& message = save_message_;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 28.0f);
  ImGui::InputText("file", &save_path_);
  if (ImGui::Button("Save", ImVec2(120, 0))) {
    try {
      save_session_file(session_with_view(workspace_.session(), view_), save_path_);
      message.clear();
      ImGui::CloseCurrentPopup();
    } catch (const compute::UserError& e) {
      message = e.what();
    }
  }
  ImGui::SameLine();
  if (ImGui::Button("Cancel", ImVec2(120, 0))) {
    message.clear();
    ImGui::CloseCurrentPopup();
  }
  if (!message.empty()) ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", message.c_str());
  ImGui::EndPopup();
}

void Dashboard::draw_help_window() {
  if (!show_help_) return;
  ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 34.0f, 0), ImGuiCond_Appearing);
  ImGui::Begin("Help", &show_help_, ImGuiWindowFlags_NoSavedSettings);
  ImGui::TextWrapped(
      "seqscope shows how a state space model (left) and attention (right) process the same sequence. "
      "Moving the cursor t never recomputes; changing a control does.");
  ImGui::Separator();
  if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg)) {
    const char* rows[][2] = {{"Space", "play / pause"},       {"← / →", "step t by one"},
                             {"Home / End", "first / last t"}, {"+ / −", "playback speed ×2 / ÷2"},
                             {"click a token or a map row", "move t there"},
                             {"Ctrl+S", "save the session"},  {"Ctrl+Q", "quit"},
                             {"F1", "this window"}};
    for (const auto& row : rows) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(row[0]);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(row[1]);
    }
    ImGui::EndTable();
  }
  ImGui::End();
}

// Numbered badges on each panel (and the transport and controls), the numbering of
// docs/dashboard.md: 1 input, 2 transport, 3 SSM state, 4 dynamics, 5 attention, 6 hidden
// attention, 7 outputs, 8 cost, 9 controls.
void Dashboard::draw_panel_numbers() {
  ImDrawList* list = ImGui::GetForegroundDrawList();
  auto badge = [&](ImVec2 center, int number) {
    const float radius = ImGui::GetFontSize() * 0.75f;
    list->AddCircleFilled(center, radius, IM_COL32(213, 94, 0, 240), 24);
    list->AddCircle(center, radius, IM_COL32(255, 255, 255, 255), 24, 2.0f);
    const std::string text = std::to_string(number);
    const ImVec2 size = ImGui::CalcTextSize(text.c_str());
    list->AddText(ImVec2(center.x - size.x * 0.5f, center.y - size.y * 0.5f), IM_COL32(255, 255, 255, 255), text.c_str());
  };
  // On each panel's top-left corner, where they cover the least of its contents.
  for (const PanelRect& rect : panel_rects_)
    if (const auto id = viz::panel_from_name(rect.name)) badge(rect.min, viz::panel_info(*id).docs_number);
  if (!panel_rects_.empty()) {
    const PanelRect& tokens = panel_rects_.front();
    const float transport_mid = tokens.min.y + tokens.size.y + ImGui::GetFrameHeightWithSpacing() * 0.5f;
    badge(ImVec2(tokens.min.x + tokens.size.x, transport_mid), 2);
    if (show_controls_) badge(ImVec2(tokens.min.x, tokens.min.y + tokens.size.y + ImGui::GetFrameHeightWithSpacing()), 9);
  }
}

float Dashboard::panel_overflow(std::string_view name) const {
  for (const PanelRect& rect : panel_rects_)
    if (rect.name == name) return rect.overflow;
  return 0.0f;
}

std::string Dashboard::panel_layout() const {
  std::string text;
  for (const PanelRect& rect : panel_rects_) {
    char item[128];
    std::snprintf(item, sizeof item, "%s%s=%.0fx%.0f@%.0f,%.0f", text.empty() ? "" : " ", rect.name.c_str(),
                  rect.size.x, rect.size.y, rect.min.x, rect.min.y);
    text += item;
  }
  return text;
}

// [SECTION] figures
namespace {

constexpr float k_figure_gap = 16.0f;        // between the columns of a figure
constexpr float k_figure_aspect = 0.62f;     // height / width of a non-map panel in a tight figure
constexpr float k_figure_colorbar = 12.0f;

bool is_map_panel(viz::PanelId id) { return id == viz::PanelId::Attention || id == viz::PanelId::HiddenAttention; }

}  // namespace

bool Dashboard::draw_figure(const std::vector<std::string>& names, bool tight) {
  std::vector<viz::Panel*> panels;
  bool any_map = false;
  for (const std::string& name : names) {
    const auto id = viz::panel_from_name(name);
    viz::Panel* panel = id ? find_panel(*id) : nullptr;
    if (!panel) return false;
    panels.push_back(panel);
    any_map = any_map || is_map_panel(*id);
  }
  if (panels.empty() || !gpu_.has_results()) return false;
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  ImGui::Begin("figure", nullptr, k_root_flags);
  start_lesson_sweep();
  viz::PanelContext context = panel_context();
  context.figure = true;
  const bool shared_bar = any_map && view_.shared_scale;
  context.figure_colorbar = !shared_bar;
  const float gap = k_figure_gap * ui_scale();
  const float bar_w = shared_bar ? viz::colorbar_width(k_figure_colorbar) + gap : 0.0f;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const auto n = static_cast<float>(panels.size());
  const float column_w = std::max(64.0f, (avail.x - bar_w - (n - 1.0f) * gap) / n);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  float bottom = origin.y;
  for (size_t i = 0; i < panels.size(); ++i) {
    const bool map = is_map_panel(panels[i]->id());
    const float column_h = tight && !map ? std::min(avail.y, k_figure_aspect * column_w) : avail.y;
    ImGui::SetCursorScreenPos(ImVec2(origin.x + static_cast<float>(i) * (column_w + gap), origin.y));
    ImGui::BeginChild(panels[i]->name(), ImVec2(column_w, column_h), false,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, item_spacing_);
    ImGui::PushID(panels[i]->name());
    panels[i]->draw(context);
    ImGui::PopID();
    ImGui::PopStyleVar();
    bottom = std::max(bottom, map ? ImGui::GetCursorScreenPos().y : ImGui::GetWindowPos().y + column_h);
    ImGui::EndChild();
  }
  if (shared_bar && context.figure_map_max.y > context.figure_map_min.y) {
    const viz::MapRange range = viz::shared_map_range(gpu_.hidden_attention(), gpu_.probs(), view_.log_scale);
    ImGui::SetCursorScreenPos(ImVec2(origin.x + n * column_w + (n - 1.0f) * gap + gap, context.figure_map_min.y));
    viz::colorbar("##shared_colorbar", range.colormap, range.lo, range.hi, range.log_scale,
                  ImVec2(k_figure_colorbar, context.figure_map_max.y - context.figure_map_min.y));
  }
  figure_bottom_ = bottom + ImGui::GetStyle().WindowPadding.y;
  ImGui::End();
  handle_sweep_request(context);
  return true;
}

}  // namespace seqscope::app
