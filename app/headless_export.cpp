// Headless export: the dashboard rendered offscreen with no window and no surface, and the
// device list. Works on a machine with no display at all.
#include <cstdio>

#include "app/dashboard.h"
#include "app/run.h"
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
  auto context = make_headless_context(options);
  if (!context) return 1;
  {
    viz::HeadlessUi ui(*context);
    Dashboard dashboard(*context, ui.renderer().heatmaps());
    DashboardStatus status{context->device_info().name + " (" + vk::device_type_name(context->device_info().type) +
                               ")",
                           0.0f, ui.has_font() ? "" : "DejaVu Sans not found: using ImGui's font"};
    const viz::Image image = ui.render(static_cast<uint32_t>(options.width), static_cast<uint32_t>(options.height),
                                       [&] { dashboard.draw(status); });
    viz::write_png(options.png, image);
  }
  std::printf("wrote %s (%dx%d)\n", options.png.c_str(), options.width, options.height);
  return context->validation_messages() > 0 ? 3 : 0;
}

}  // namespace seqscope::app
