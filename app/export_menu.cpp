// ExportMenu (see export_menu.h): recent files, the menu and corner button, the dialogs and
// their actions (PNG, GIF job, tensors, open).
//
// Index (each part starts at a "// [SECTION] name" line):
//   recent files
//   menu and corner button
//   dialogs
//   actions
#include "app/export_menu.h"

#include <imgui_stdlib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

#include "app/dashboard.h"
#include "app/view_config.h"
#include "compute/io/tensor_csv.h"
#include "compute/io/tensor_export.h"
#include "core/atomic_file.h"
#include "viz/panels/panel_id.h"

namespace seqscope::app {
namespace {

// The File menu's paired figure (export --panel hidden_attention,attention).
constexpr const char* k_pair_figure = "hidden_attention,attention";

constexpr size_t k_max_recent = 8;
constexpr int k_scales[3] = {1, 2, 4};
const ImVec4 k_error_color(1.0f, 0.45f, 0.4f, 1.0f);
const ImVec4 k_ok_color(0.55f, 0.85f, 0.55f, 1.0f);

std::vector<std::string> read_recent(const std::string& path) {
  std::vector<std::string> recent;
  if (path.empty()) return recent;
  std::ifstream in(path);
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_array())
    for (const auto& item : j)
      if (item.is_string() && recent.size() < k_max_recent) recent.push_back(item.get<std::string>());
  return recent;
}

}  // namespace

// A GIF being written one frame per app frame, so the progress bar moves and Cancel works.
struct ExportMenu::GifJob {
  FigureRenderer renderer;
  viz::GifWriter writer;
  int from, to, next;
  GifJob(gpu::Context& context, Workspace& workspace, const viz::ViewState& view, const FigureSpec& spec,
         const std::string& device, const std::string& path, int t0, int t1, int fps)
      : renderer(context, workspace, view, spec, device),
        writer(path, spec.width * static_cast<uint32_t>(spec.scale), spec.height * static_cast<uint32_t>(spec.scale),
               fps),
        from(t0), to(t1), next(t0) {}
};

ExportMenu::ExportMenu(gpu::Context& context, Workspace& workspace, Dashboard& dashboard, std::string device_label,
                       std::string recent_path)
    : context_(context),
      workspace_(workspace),
      dashboard_(dashboard),
      device_label_(std::move(device_label)),
      recent_path_(std::move(recent_path)),
      recent_(read_recent(recent_path_)) {}

ExportMenu::~ExportMenu() = default;

// [SECTION] recent files

void ExportMenu::remember(const std::string& path) {
  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::absolute(path, error);
  const std::string entry = error ? path : absolute.lexically_normal().string();
  recent_.erase(std::remove(recent_.begin(), recent_.end(), entry), recent_.end());
  recent_.insert(recent_.begin(), entry);
  if (recent_.size() > k_max_recent) recent_.resize(k_max_recent);
  if (recent_path_.empty()) return;
  try {
    compute::write_file_atomic(recent_path_, nlohmann::json(recent_).dump(2) + "\n");
  } catch (const compute::UserError&) {
    // The list is a convenience: an unwritable config folder must not block opening a file.
  }
}

// [SECTION] menu and corner button

void ExportMenu::draw_file_menu_items() {
  const bool busy = gif_job_ != nullptr;
  if (ImGui::MenuItem("Open session...", "Ctrl+O", false, !busy)) open_dialog_ = Dialog::Open;
  if (ImGui::BeginMenu("Open recent", !recent_.empty() && !busy)) {
    for (const std::string& path : recent_)
      if (ImGui::MenuItem(path.c_str())) {
        open_path_ = path;
        message_ = open_session(path);
        message_is_error_ = !message_.empty();
        if (message_is_error_) open_dialog_ = Dialog::Open;  // shows the error under the path
      }
    ImGui::EndMenu();
  }
  ImGui::Separator();
  if (ImGui::MenuItem("Export dashboard PNG...", nullptr, false, !busy)) {
    target_.clear();
    open_dialog_ = Dialog::Png;
  }
  if (ImGui::BeginMenu("Export panel PNG", !busy)) {
    for (const viz::PanelInfo& panel : viz::k_panels)
      if (ImGui::MenuItem(panel.name)) {
        target_ = panel.name;
        open_dialog_ = Dialog::Png;
      }
    ImGui::EndMenu();
  }
  if (ImGui::MenuItem("Export figure: α next to attention...", nullptr, false, !busy)) {
    target_ = k_pair_figure;
    open_dialog_ = Dialog::Png;
  }
  if (ImGui::MenuItem("Export GIF of stepping...", nullptr, false, !busy)) open_dialog_ = Dialog::Gif;
  if (ImGui::MenuItem("Export tensors...", nullptr, false, !busy)) open_dialog_ = Dialog::Tensors;
}

void ExportMenu::draw_panel_button(const char* panel) {
  panel_sizes_[panel] = ImGui::GetWindowSize();
  // Shown while the mouse is over the panel, in its bottom-right corner: top-right corners hold
  // the panels' own controls, which it would cover.
  if (!ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows | ImGuiHoveredFlags_AllowWhenBlockedByActiveItem)) return;
  const ImGuiStyle& style = ImGui::GetStyle();
  const char* label = "PNG";
  const ImVec2 text = ImGui::CalcTextSize(label);
  const ImVec2 size(text.x + style.FramePadding.x * 2.0f, text.y + 2.0f);
  const ImVec2 backup = ImGui::GetCursorPos();
  ImGui::SetCursorPos(ImVec2(ImGui::GetWindowWidth() - size.x - 2.0f, ImGui::GetWindowHeight() - size.y - 2.0f));
  ImGui::PushID(panel);
  if (ImGui::SmallButton(label) && !gif_job_) {
    target_ = panel;
    open_dialog_ = Dialog::Png;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Export this panel as a PNG");
  ImGui::PopID();
  ImGui::SetCursorPos(backup);
}

// [SECTION] dialogs

namespace {
const char* dialog_title(int dialog) {
  static const char* titles[] = {"", "Export PNG", "Export GIF", "Export tensors", "Open session"};
  return titles[dialog];
}
}  // namespace

void ExportMenu::draw_dialogs() {
  if (ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed('O') && !gif_job_) open_dialog_ = Dialog::Open;
  if (open_dialog_ != Dialog::None) {
    ImGui::OpenPopup(dialog_title(static_cast<int>(open_dialog_)));
    if (open_dialog_ != Dialog::Open && !keep_message_) message_.clear();
    keep_message_ = false;
    if (open_dialog_ == Dialog::Gif && workspace_.has_results() && gif_to_ <= gif_from_)
      gif_to_ = std::max(0, workspace_.results().inputs.length() - 1);
    open_dialog_ = Dialog::None;
  }
  draw_png_dialog();
  draw_gif_dialog();
  draw_gif_progress();
  draw_tensors_dialog();
  draw_open_dialog();
}

// The one-line status under a dialog, then [action] [Cancel]; true when action was clicked.
bool ExportMenu::error_line_and_buttons(const char* action) {
  if (!message_.empty()) ImGui::TextColored(message_is_error_ ? k_error_color : k_ok_color, "%s", message_.c_str());
  const float width = ImGui::GetFontSize() * 8.0f;
  const bool clicked = ImGui::Button(action, ImVec2(width, 0));
  ImGui::SameLine();
  if (ImGui::Button("Close", ImVec2(width, 0))) {
    message_.clear();
    ImGui::CloseCurrentPopup();
  }
  return clicked;
}

void ExportMenu::draw_target_and_scale() {
  if (ImGui::BeginCombo("figure", target_.empty() ? "dashboard" : target_.c_str())) {
    if (ImGui::Selectable("dashboard", target_.empty())) target_.clear();
    for (const viz::PanelInfo& panel : viz::k_panels)
      if (ImGui::Selectable(panel.name, target_ == panel.name)) target_ = panel.name;
    if (ImGui::Selectable(k_pair_figure, target_ == k_pair_figure)) target_ = k_pair_figure;
    ImGui::EndCombo();
  }
  ImGui::Combo("scale", &scale_index_, "x1\0x2\0x4\0");
  ImGui::Checkbox("transparent background", &transparent_);
  const FigureSpec spec = figure_spec();
  if (spec.height == 0)
    ImGui::TextDisabled("%u pixels wide, as tall as the figure needs; rendered at that size (fonts included)",
                        spec.width * static_cast<uint32_t>(spec.scale));
  else
    ImGui::TextDisabled("%u x %u pixels, rendered at that size (fonts included)", spec.width * static_cast<uint32_t>(spec.scale),
                        spec.height * static_cast<uint32_t>(spec.scale));
}

void ExportMenu::draw_png_dialog() {
  if (!ImGui::BeginPopupModal(dialog_title(1), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 28.0f);
  ImGui::InputText("file", &png_path_);
  draw_target_and_scale();
  if (error_line_and_buttons("Export")) export_png();
  ImGui::EndPopup();
}

void ExportMenu::draw_gif_dialog() {
  if (!ImGui::BeginPopupModal(dialog_title(2), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  const int last = workspace_.has_results() ? workspace_.results().inputs.length() - 1 : 0;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 28.0f);
  ImGui::InputText("file", &gif_path_);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12.0f);
  ImGui::DragIntRange2("t range", &gif_from_, &gif_to_, 0.2f, 0, last);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12.0f);
  ImGui::SliderInt("fps", &gif_fps_, 1, 50);
  draw_target_and_scale();
  if (error_line_and_buttons("Export")) start_gif();
  if (gif_job_) {
    ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    ImGui::OpenPopup("Writing GIF");
    return;
  }
  ImGui::EndPopup();
}

void ExportMenu::draw_gif_progress() {
  if (!ImGui::BeginPopupModal("Writing GIF", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  if (!gif_job_) {
    ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    return;
  }
  GifJob& job = *gif_job_;
  bool done = false;
  try {
    // One frame per app frame keeps the window responsive and Cancel reachable.
    job.writer.add_frame(job.renderer.render(job.next++));
    if (job.next > job.to) {
      job.writer.finish();
      message_ = "wrote " + gif_path_ + " (" + std::to_string(job.writer.frames()) + " frames)";
      message_is_error_ = false;
      done = true;
    }
  } catch (const compute::UserError& e) {
    message_ = e.what();
    message_is_error_ = true;
    done = true;
  }
  const int total = job.to - job.from + 1;
  ImGui::Text("t = %d of %d..%d", std::min(job.next, job.to), job.from, job.to);
  ImGui::ProgressBar(static_cast<float>(job.next - job.from) / static_cast<float>(total),
                     ImVec2(ImGui::GetFontSize() * 20.0f, 0));
  if (ImGui::Button("Cancel", ImVec2(ImGui::GetFontSize() * 8.0f, 0))) {
    message_ = "GIF export cancelled: nothing written";
    message_is_error_ = true;
    done = true;
  }
  if (done) {
    gif_job_.reset();  // an unfinished writer removes its temporary file
    ImGui::CloseCurrentPopup();
    open_dialog_ = Dialog::Gif;  // back to the dialog, showing the result line
    keep_message_ = true;
  }
  ImGui::EndPopup();
}

void ExportMenu::draw_tensors_dialog() {
  if (!ImGui::BeginPopupModal(dialog_title(3), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 28.0f);
  ImGui::InputText("folder", &tensors_dir_);
  ImGui::Combo("format", &tensor_format_, ".npy + manifest.json\0CSV (2-D; 3-D one file per first index)\0");
  if (error_line_and_buttons("Export")) export_tensors();
  ImGui::EndPopup();
}

void ExportMenu::draw_open_dialog() {
  if (!ImGui::BeginPopupModal(dialog_title(4), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 28.0f);
  ImGui::InputText("file", &open_path_);
  ImGui::TextDisabled("a session .json, or a PNG exported by seqscope");
  if (error_line_and_buttons("Open")) {
    message_ = open_session(open_path_);
    message_is_error_ = !message_.empty();
    if (!message_is_error_) ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

// [SECTION] actions

FigureSpec ExportMenu::figure_spec() const {
  FigureSpec spec;
  spec.panel = target_;
  spec.scale = k_scales[std::clamp(scale_index_, 0, 2)];
  spec.transparent = transparent_;
  // The figure has the size it has on screen now (the dashboard: the window).
  ImVec2 size = ImGui::GetIO().DisplaySize;
  if (const auto it = panel_sizes_.find(target_); !target_.empty() && it != panel_sizes_.end()) size = it->second;
  const float font_scale = ImGui::GetFontSize() / 15.0f;  // a HiDPI window's sizes are at scale 1 in figures
  spec.width = static_cast<uint32_t>(std::max(64.0f, size.x / std::max(1.0f, font_scale)));
  spec.height = static_cast<uint32_t>(std::max(64.0f, size.y / std::max(1.0f, font_scale)));
  // Panel figures: as wide as on screen (two columns of 560 for the pair), as tall as they need.
  if (target_ == k_pair_figure) spec.width = 1120;
  if (!target_.empty()) spec.height = 0;
  return spec;
}

void ExportMenu::export_png() {
  try {
    if (!workspace_.has_results()) throw compute::UserError("nothing computed yet");
    const viz::ViewState& view = dashboard_.view();
    FigureRenderer renderer(context_, workspace_, view, figure_spec(), device_label_);
    renderer.prepare([this](Dashboard& figure) { figure.set_cost_sweep(dashboard_.cost_sweep()); });
    const viz::Image image = renderer.render(view.cursor);
    viz::write_png(png_path_, image, figure_metadata(workspace_.session(), renderer.view()));
    message_ = "wrote " + png_path_ + " (" + std::to_string(image.width) + "x" + std::to_string(image.height) + ")";
    message_is_error_ = false;
  } catch (const compute::UserError& e) {
    message_ = e.what();
    message_is_error_ = true;
  }
}

void ExportMenu::start_gif() {
  try {
    if (!workspace_.has_results()) throw compute::UserError("nothing computed yet");
    const int last = workspace_.results().inputs.length() - 1;
    if (gif_from_ < 0 || gif_to_ > last || gif_from_ > gif_to_)
      throw compute::UserError("bad t range " + std::to_string(gif_from_) + ".." + std::to_string(gif_to_) +
                               " (0.." + std::to_string(last) + ")");
    gif_job_ = std::make_unique<GifJob>(context_, workspace_, dashboard_.view(), figure_spec(), device_label_,
                                        gif_path_, gif_from_, gif_to_, gif_fps_);
    gif_job_->renderer.prepare([this](Dashboard& figure) { figure.set_cost_sweep(dashboard_.cost_sweep()); });
    message_.clear();
  } catch (const compute::UserError& e) {
    message_ = e.what();
    message_is_error_ = true;
  }
}

void ExportMenu::export_tensors() {
  try {
    if (!workspace_.has_results()) throw compute::UserError("nothing computed yet");
    const auto written = tensor_format_ == 0 ? compute::write_tensors(workspace_.results(), tensors_dir_)
                                             : compute::write_tensors_csv(workspace_.results(), tensors_dir_);
    message_ = "wrote " + std::to_string(written.size()) + " tensors and manifest.json to " + tensors_dir_;
    message_is_error_ = false;
  } catch (const compute::UserError& e) {
    message_ = e.what();
    message_is_error_ = true;
  }
}

std::string ExportMenu::open_session(const std::string& path) {
  try {
    if (path.empty()) throw compute::UserError("type the path of a session .json or a seqscope PNG");
    if (!std::filesystem::is_regular_file(path)) throw compute::UserError("'" + path + "': no such file");
    compute::Session session = load_session_or_png(path);
    compute::validate_session(session);
    dashboard_.view() = view_from_session(session);
    workspace_.replace(std::move(session));
    remember(path);
    return {};
  } catch (const compute::UserError& e) {
    return e.what();
  }
}

}  // namespace seqscope::app
