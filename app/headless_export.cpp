// Headless export: tensors (.npy + manifest), the normalized session, and the dashboard or
// one panel rendered offscreen with no window and no surface; and the device list. Works on a
// machine with no display at all.
#include <algorithm>
#include <cstdio>
#include <string_view>

#include "app/cmd_lessons.h"
#include "app/dashboard.h"
#include "app/run.h"
#include "app/session_setup.h"
#include "app/workspace.h"
#include "compute/tensor_export.h"
#include "viz/headless_ui.h"
#include "viz/image_export.h"

namespace seqscope::app {
namespace {

std::unique_ptr<vk::Context> make_headless_context(const Options& options) {
  vk::ContextOptions context_options;
  context_options.device_index = options.device;
  auto [context, status] = vk::Context::create(vk::options_from_environment(context_options));
  if (!context) std::fprintf(stderr, "seqscope: %s\n", status.message().c_str());
  return std::move(context);
}

std::string device_label(const vk::Context& context) {
  return context.device_info().name + " (" + vk::device_type_name(context.device_info().type) + ")";
}

// Renders the dashboard at the requested size and writes it; returns the exit code.
int export_png(const Options& options, Workspace& workspace, vk::Context& context) {
  {
    viz::HeadlessUi ui(context);
    Dashboard dashboard(context, ui.renderer().heatmaps(), workspace);
    dashboard.view().cursor = workspace.session().cursor;
    dashboard.set_panel_numbers(options.panel_numbers);
    if (!options.lesson.empty()) open_lesson_for_export(dashboard, options);
    DashboardStatus status{device_label(context), 0.0f, ui.has_font() ? "" : "DejaVu Sans not found: using ImGui's font"};
    auto draw = [&] {
      if (options.panel.empty()) dashboard.draw(status);
      else dashboard.draw_single_panel(options.panel);
    };
    const viz::Image image =
        ui.render(static_cast<uint32_t>(options.width), static_cast<uint32_t>(options.height), draw);
    viz::write_png(options.png, image);
  }
  std::printf("wrote %s (%dx%d)\n", options.png.c_str(), options.width, options.height);
  return context.validation_messages() > 0 ? 3 : 0;
}

}  // namespace

int run_list_devices() {
  const vk::DeviceList list = vk::list_devices();
  if (!list.status.ok()) {
    std::fprintf(stderr, "seqscope: %s\n", list.status.message().c_str());
    return 1;
  }
  for (const vk::DeviceInfo& device : list.devices)
    std::printf("%u\t%s\t%s\tVulkan %s\n", device.index, device.name.c_str(), vk::device_type_name(device.type),
                vk::api_version_string(device.api_version).c_str());
  return 0;
}

int run_export(const Options& options) {
  if (options.list_panels) {
    for (const char* name : viz::k_panel_names) std::printf("%s\n", name);
    return 0;
  }
  if (!options.panel.empty() && std::find(std::begin(viz::k_panel_names), std::end(viz::k_panel_names),
                                          std::string_view(options.panel)) == std::end(viz::k_panel_names))
    throw compute::UserError("unknown panel '" + options.panel + "' (see seqscope export --list-panels)");
  const compute::Session session = options.lesson.empty() ? initial_session(options) : lesson_export_session(options);
  if (!options.save_session.empty()) {
    save_session_file(session, options.save_session);
    std::printf("wrote %s\n", options.save_session.c_str());
  }
  // Vulkan is needed for images only; tensors from the Eigen backend need no device at all.
  std::unique_ptr<vk::Context> context;
  if (!options.png.empty() || session.backend == compute::BackendChoice::Vulkan) {
    context = make_headless_context(options);
    if (!context) return 1;
  }
  Workspace workspace(session, context.get());
  if (!options.tensors_dir.empty() || !options.png.empty()) {
    workspace.update();
    if (!workspace.error().empty()) throw compute::UserError(workspace.error());
  }
  if (!options.tensors_dir.empty()) {
    const auto manifest = compute::write_tensors(workspace.results(), options.tensors_dir);
    std::printf("wrote %zu tensors to %s (backend %s)\n", manifest.size(), options.tensors_dir.c_str(),
                workspace.results().backend.c_str());
  }
  if (!options.png.empty()) return export_png(options, workspace, *context);
  return 0;
}

}  // namespace seqscope::app
