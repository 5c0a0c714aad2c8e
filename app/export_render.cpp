// FigureRenderer and the PNG session metadata (see export_render.h).
// Index (each part starts at a "// [SECTION] name" line):
//   figure spec
//   renderer
//   metadata
#include "app/export_render.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

#include "app/dashboard.h"
#include "app/view_config.h"
#include "core/version.h"
#include "viz/panels/panel_id.h"
#include "viz/render/headless_ui.h"
#include "viz/widgets/imgui_context_scope.h"

namespace seqscope::app {

// [SECTION] figure spec

namespace {

// Rows a tight figure is rendered with before it is cropped: a map column needs about 1.3 times
// its width plus a few text lines; other panels k_figure_aspect of it.
uint32_t tight_render_height(const FigureSpec& spec, size_t panels) {
  const uint32_t column = spec.width / static_cast<uint32_t>(std::max<size_t>(1, panels));
  return std::min<uint32_t>(16384u / static_cast<uint32_t>(spec.scale), column * 14 / 10 + 240);
}

// Keeps the top `rows` rows (at least one, at most the image's).
void crop_rows(viz::Image& image, uint32_t rows) {
  image.height = std::clamp<uint32_t>(rows, 1u, image.height);
  image.rgba.resize(static_cast<size_t>(image.width) * image.height * 4);
}

}  // namespace

std::vector<std::string> figure_panels(const FigureSpec& spec) {
  std::vector<std::string> names;
  size_t start = 0;
  while (!spec.panel.empty() && start <= spec.panel.size()) {
    const size_t comma = std::min(spec.panel.find(',', start), spec.panel.size());
    names.push_back(spec.panel.substr(start, comma - start));
    start = comma + 1;
  }
  return names;
}

void check_figure_spec(const FigureSpec& spec) {
  for (const std::string& name : figure_panels(spec))
    if (!viz::panel_from_name(name))
      throw compute::UserError("unknown panel '" + name + "' (see seqscope export --list-panels)");
  if (spec.height == 0 && spec.panel.empty())
    throw compute::UserError("a dashboard figure needs a height (only panel figures follow their width)");
  if (spec.scale != 1 && spec.scale != 2 && spec.scale != 4)
    throw compute::UserError("scale " + std::to_string(spec.scale) + " is not supported (use 1, 2 or 4)");
  // 16384 is the largest image dimension every Vulkan device must support.
  if (spec.width * static_cast<uint32_t>(spec.scale) > 16384 || spec.height * static_cast<uint32_t>(spec.scale) > 16384)
    throw compute::UserError("image of " + std::to_string(spec.width * static_cast<uint32_t>(spec.scale)) + "x" +
                             std::to_string(spec.height * static_cast<uint32_t>(spec.scale)) +
                             " pixels is too large (at most 16384 per side: lower --scale or the size)");
}

// [SECTION] renderer

struct FigureRenderer::Parts {
  viz::HeadlessUi ui;
  ImGuiContext* own = nullptr;
  Dashboard dashboard;
  Parts(gpu::Context& context, Workspace& workspace, float scale)
      : ui(context, scale), own(ImGui::GetCurrentContext()), dashboard(context, ui.renderer().heatmaps(), workspace) {}
};

FigureRenderer::FigureRenderer(gpu::Context& context, Workspace& workspace, const viz::ViewState& view, FigureSpec spec,
                               std::string device_label)
    : spec_(std::move(spec)), device_label_(std::move(device_label)) {
  check_figure_spec(spec_);
  // Parts makes the figure's context current: the caller's is current again when this returns.
  const viz::ImGuiContextScope restore(ImGui::GetCurrentContext());
  parts_ = std::make_unique<Parts>(context, workspace, static_cast<float>(spec_.scale));
  viz::ViewState& own_view = parts_->dashboard.view();
  own_view = view;
  own_view.playing = false;
  if (workspace.has_results()) parts_->dashboard.on_new_results();  // maps with the copied normalization
}

FigureRenderer::~FigureRenderer() {
  // The renderer shuts down ImGui's Vulkan backend of the current context: make it ours.
  const viz::ImGuiContextScope own(parts_->own);
  parts_.reset();
}

void FigureRenderer::prepare(const std::function<void(Dashboard&)>& setup) {
  const viz::ImGuiContextScope own(parts_->own);
  setup(parts_->dashboard);
}

bool FigureRenderer::has_font() const { return parts_->ui.has_font(); }

const viz::ViewState& FigureRenderer::view() const { return parts_->dashboard.view(); }

viz::Image FigureRenderer::render(int t) {
  Dashboard& dashboard = parts_->dashboard;
  dashboard.view().cursor = t;
  const bool tight = spec_.height == 0;
  const DashboardStatus status{device_label_, 0.0f,
                               parts_->ui.has_font() ? "" : "DejaVu Sans not found: using ImGui's font"};
  auto draw = [&] {
    if (spec_.transparent) {
      ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0, 0, 0, 0));
      ImGui::PushStyleColor(ImGuiCol_MenuBarBg, ImVec4(0, 0, 0, 0));
    }
    if (spec_.panel.empty()) dashboard.draw(status);
    else dashboard.draw_figure(figure_panels(spec_), tight);
    if (spec_.transparent) ImGui::PopStyleColor(2);
  };
  const auto scale = static_cast<uint32_t>(spec_.scale);
  const ImVec4 clear = spec_.transparent ? ImVec4(0, 0, 0, 0) : viz::background_color();
  const viz::ImGuiContextScope own(parts_->own);  // the caller's again on return or throw
  const uint32_t height = tight ? tight_render_height(spec_, figure_panels(spec_).size()) : spec_.height;
  viz::Image image = parts_->ui.render(spec_.width * scale, height * scale, draw, clear);
  if (tight) crop_rows(image, static_cast<uint32_t>(std::ceil(dashboard.figure_bottom())));
  return image;
}

// [SECTION] metadata

namespace {

constexpr const char* k_session_key = "seqscope.session";

}  // namespace

viz::PngText figure_metadata(const compute::Session& session, const viz::ViewState& view) {
  const nlohmann::json j = compute::session_to_json(session_with_view(session, view));
  return {{k_session_key, j.dump()}, {"seqscope.version", compute::version()}};
}

bool is_png_file(const std::filesystem::path& path) {
  static const char k_signature[8] = {'\x89', 'P', 'N', 'G', '\r', '\n', '\x1a', '\n'};
  std::ifstream in(path, std::ios::binary);
  char head[8] = {};
  return in.read(head, 8) && std::memcmp(head, k_signature, 8) == 0;
}

compute::Session load_session_or_png(const std::filesystem::path& path) {
  if (!is_png_file(path)) return compute::load_session(path);
  for (const auto& [key, text] : viz::read_png_text(path)) {
    if (key != k_session_key) continue;
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      throw compute::UserError("'" + path.string() + "': its seqscope.session chunk is not valid JSON");
    try {
      return compute::session_from_json(j);  // PNGs of earlier versions wrote a subset of today's view
    } catch (const compute::UserError& e) {
      throw compute::UserError("'" + path.string() + "': " + e.what());
    }
  }
  throw compute::UserError("'" + path.string() + "' is a PNG without a seqscope session (no seqscope.session chunk)");
}

}  // namespace seqscope::app
