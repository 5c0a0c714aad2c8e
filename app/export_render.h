// Figures: the dashboard or one panel rendered offscreen at an export scale (fonts and layout
// built at that scale, not resampled), for PNG and GIF export from the app and from
// `seqscope export`. Also the metadata every PNG carries: "seqscope.session" (the session JSON
// with the cursor at the exported t, plus an optional "view" object: channel, head,
// normalization, log scale) and "seqscope.version"; and reading a session back from such a PNG.
//
// Index (each part starts at a "// [SECTION] name" line):
//   session metadata in PNGs
#pragma once
#include <imgui.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/workspace.h"
#include "compute/session/session.h"
#include "gpu/context.h"
#include "viz/render/image_export.h"
#include "viz/widgets/view_state.h"

namespace seqscope::app {

class Dashboard;

struct FigureSpec {
  // Empty: the whole dashboard. Else panel names, comma-separated: a figure of those panels side
  // by side (Dashboard::draw_figure), e.g. "hidden_attention,attention".
  std::string panel;
  // At scale 1; the image is width*scale x height*scale. height 0 (panels only): the height
  // follows the width, and the image is cropped to what the figure drew.
  uint32_t width = 1600, height = 1000;
  int scale = 1;                         // 1, 2 or 4
  bool transparent = false;              // no window background: alpha 0 behind the panels
};

// The names in spec.panel, in order (empty for the dashboard).
std::vector<std::string> figure_panels(const FigureSpec& spec);
// Throws UserError naming the problem: unknown panel, bad scale, image too large.
void check_figure_spec(const FigureSpec& spec);

// Owns an ImGui context, an offscreen target and a dashboard of its own; leaves the caller's
// ImGui context current between calls, so the app can render figures while its window runs.
class FigureRenderer {
 public:
  FigureRenderer(gpu::Context& context, Workspace& workspace, const viz::ViewState& view, FigureSpec spec,
                 std::string device_label);
  ~FigureRenderer();
  FigureRenderer(const FigureRenderer&) = delete;
  FigureRenderer& operator=(const FigureRenderer&) = delete;

  // Runs `setup` on the figure's own dashboard (panel numbers, a lesson step) with its ImGui
  // context current.
  void prepare(const std::function<void(Dashboard&)>& setup);
  // The figure with the cursor at t.
  viz::Image render(int t);
  bool has_font() const;
  // The view as drawn (channel and head clamped to the results), for the PNG's metadata.
  const viz::ViewState& view() const;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
  FigureSpec spec_;
  std::string device_label_;
};

// [SECTION] session metadata in PNGs

// tEXt chunks for a figure of `session` shown as `view` (cursor, channel, scales...).
viz::PngText figure_metadata(const compute::Session& session, const viz::ViewState& view);

bool is_png_file(const std::filesystem::path& path);
// A .json session file or a PNG made by seqscope (its view included); UserError (one line)
// otherwise.
compute::Session load_session_or_png(const std::filesystem::path& path);

}  // namespace seqscope::app
