// The windowed app: Vulkan context with a swapchain, GLFW window, ImGui, the dashboard, the
// frame loop with --frames / --screenshot / --stats, and settings in the XDG config folder.
#include <imgui.h>
#include <backends/imgui_impl_vulkan.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "app/cmd_lessons.h"
#include "app/dashboard.h"
#include "app/export_menu.h"
#include "app/model_source.h"
#include "app/redraw_policy.h"
#include "app/run.h"
#include "app/session_setup.h"
#include "app/window.h"
#include "app/workspace.h"
#include "app/model_zoo.h"
#include "viz/render/headless_ui.h"
#include "viz/render/image_export.h"
#include "viz/render/offscreen_target.h"
#include "viz/render/ui_renderer.h"

namespace seqscope::app {
namespace {
namespace fs = std::filesystem;

// A background recompute that ends within this is shown in the same frame (the default session
// takes under 1 ms); longer ones leave the last Results on screen until they end.
constexpr std::chrono::milliseconds kInlineRecomputeWait{30};

// $XDG_CONFIG_HOME/seqscope/imgui.ini (or ~/.config/...); empty when neither is known.
std::string settings_path() {
  std::filesystem::path base;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) base = xdg;
  else if (const char* home = std::getenv("HOME"); home && *home) base = std::filesystem::path(home) / ".config";
  else return {};
  std::error_code error;
  std::filesystem::create_directories(base / "seqscope", error);
  return error ? std::string() : (base / "seqscope" / "imgui.ini").string();
}

float percentile(std::vector<float> values, float p) {
  if (values.empty()) return 0.0f;
  std::sort(values.begin(), values.end());
  const size_t index = std::min(values.size() - 1, static_cast<size_t>(p * static_cast<float>(values.size() - 1) + 0.5f));
  return values[index];
}

// What --stats prints at exit (docs/cli.md).
struct FrameStats {
  std::vector<float> frame_ms;  // each drawn frame: building, rendering and showing it (no waits)
  double first_frame_ms = 0.0;  // from entering run_gui (after the command line) to the first frame shown
  double recompute_ms = 0.0;    // the last recompute
  int recomputes = 0;
  int triangles = 0;            // of the last frame; on lavapipe each costs about half a microsecond
  double idle_s = 0.0;          // seconds the loop slept with nothing to draw (app/redraw_policy.h)
  std::string present;          // how frames reached the window: shm or wsi (app/window.h)
};

void print_stats(const FrameStats& stats) {
  std::printf(
      "frame_ms median=%.3f p95=%.3f frames=%zu first_frame_ms=%.1f recompute_ms=%.2f recomputes=%d triangles=%d "
      "present=%s idle_s=%.1f\n",
      percentile(stats.frame_ms, 0.5f), percentile(stats.frame_ms, 0.95f), stats.frame_ms.size(), stats.first_frame_ms,
      stats.recompute_ms, stats.recomputes, stats.triangles, stats.present.c_str(), stats.idle_s);
}

// Renders the last frame's draw data again into an offscreen image of the same size.
void save_screenshot(gpu::Context& context, viz::UiRenderer& renderer, VkFormat format, const std::string& path) {
  vkDeviceWaitIdle(context.device());  // ImGui reuses its vertex buffers; the window's frames must be done
  viz::OffscreenTarget target(context, format);
  const viz::Image image = target.render(renderer, ImGui::GetDrawData(), viz::background_color());
  viz::write_png(path, image);
}

double seconds_since(std::chrono::steady_clock::time_point start, std::chrono::steady_clock::time_point now) {
  return std::chrono::duration<double>(now - start).count();
}

// Sleeps until input arrives or the next frame is due (app/redraw_policy.h); returns the seconds
// slept with nothing to draw. While the Cost panel measures its sweep, at most ~15 frames a
// second (input still wakes the loop at once): on a CPU Vulkan device every frame takes cores
// from the sweep.
double wait_for_next_frame(Window& window, const Dashboard& dashboard, const RedrawPolicy& redraw, double now_s) {
  const double idle = redraw.wait_seconds(dashboard.animating(), now_s);
  if (idle > 0.0) {
    const auto start = std::chrono::steady_clock::now();
    window.wait_events(idle);
    return seconds_since(start, std::chrono::steady_clock::now());
  }
  if (dashboard.cost_sweep()->running()) window.wait_events(1.0 / 15.0);
  else window.poll_events();
  return 0.0;
}

}  // namespace

const char* headless_hint() {
  return "seqscope export --png dashboard.png   (renders offscreen, no display needed)";
}

// The first screen without arguments (docs/dashboard.md): the zoo's selective-copying Mamba
// beside the attention model trained on the same task, so the maps show learned behaviour.
// Null (the synthetic default session) when the zoo is not there.
std::unique_ptr<ModelSource> first_screen_model() {
  const fs::path zoo = zoo_dir();
  if (!fs::exists(zoo / kFirstScreenSsm / "config.json") || !fs::exists(zoo / kFirstScreenAttention / "config.json"))
    return nullptr;
  return std::make_unique<ModelSource>((zoo / kFirstScreenSsm).string(), (zoo / kFirstScreenAttention).string(),
                                       std::nullopt, 0, 0, 0);
}

int run_gui(const Options& options) {
  const auto start = std::chrono::steady_clock::now();
  // A bad file or lesson fails before any window opens.
  compute::Session session = options.lesson.empty() ? initial_session(options) : lesson_session(options);
  std::unique_ptr<ModelSource> model;  // --model: a bad folder fails before any window opens too
  if (!options.model.empty())
    model = std::make_unique<ModelSource>(options.model, options.model2,
                                          options.text, options.layer, options.layer2,
                                          options.sample);
  else if (options.lesson.empty() && !options.session_path && !options.preset)
    model = first_screen_model();
  std::string reason;
  if (!Window::init_glfw(&reason)) {
    std::fprintf(stderr, "seqscope: no display available (%s); without a display use: %s\n", reason.c_str(),
                 headless_hint());
    return 2;
  }
  gpu::ContextOptions context_options;
  context_options.device_index = options.device;
  context_options.instance_extensions = Window::required_instance_extensions();
  context_options.swapchain = true;
  auto [context, status] = gpu::Context::create(gpu::options_from_environment(context_options));
  if (!context) {
    std::fprintf(stderr, "seqscope: %s\n", status.message().c_str());
    Window::terminate_glfw();
    return 1;
  }

  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  // Scripted runs (--frames) neither read nor write saved window settings, so they are repeatable.
  // io.IniFilename points into ini, which outlives the context (DestroyContext below saves it).
  const std::string ini = options.frames > 0 ? std::string() : settings_path();
  io.IniFilename = ini.empty() ? nullptr : ini.c_str();
  FrameStats stats;
  std::vector<float>& frame_ms = stats.frame_ms;
  std::string final_state;
  {
    Window window(*context, options.width, options.height, "seqscope", present_choice_from_name(options.present));
    const float scale = window.content_scale();
    viz::apply_theme(scale);
    const bool has_font = viz::load_ui_font(viz::k_base_font_px * scale);
    viz::UiRenderer renderer(*context, window.render_pass(), window.image_count());
    window.init_imgui_input();
    renderer.upload_fonts();
    Workspace workspace(std::move(session), context.get());
    if (model) workspace.use_model(std::move(model));
    // From the first frame on, long recomputes must not freeze the window (the first one draws
    // its progress instead of a black window); a run that ends in a --screenshot waits for every
    // recompute instead, so the image shows the session's Results.
    if (options.screenshot.empty()) workspace.run_in_background(kInlineRecomputeWait);
    workspace.update();
    Dashboard dashboard(*context, renderer.heatmaps(), workspace);
    if (!options.lesson.empty()) open_lesson_step(dashboard, options);
    else if (options.train_window) dashboard.train_window().open();
    else if (!options.session_path && !options.preset && options.frames == 0) dashboard.show_lesson_list();  // docs/lessons.md
    DashboardStatus dash_status{context->device_info().name + " (" +
                                    gpu::device_type_name(context->device_info().type) + ")",
                                0.0f, has_font ? "" : "DejaVu Sans not found (fonts-dejavu-core): using ImGui's font"};
    // Recent files sit next to imgui.ini; scripted runs keep none.
    dashboard.train_window().set_context(context.get());  // "Export curves" renders on the window's device
    ExportMenu export_menu(*context, workspace, dashboard, dash_status.device,
                           ini.empty() ? std::string() : (std::filesystem::path(ini).parent_path() / "recent.json").string());
    dashboard.set_export_menu(&export_menu);

    RedrawPolicy redraw(options.redraw == "always" || (options.redraw == "auto" && options.frames > 0));
    // A blinking caret needs frames of its own; without them it could stop in its hidden phase.
    if (!redraw.always()) io.ConfigInputTextCursorBlink = false;
    auto previous = std::chrono::steady_clock::now();
    bool running = true;
    while (running && !window.should_close()) {
      stats.idle_s += wait_for_next_frame(window, dashboard, redraw, seconds_since(start, std::chrono::steady_clock::now()));
      if (window.minimized()) {
        window.wait_events(0.1);
        continue;
      }
      const auto frame_start = std::chrono::steady_clock::now();
      if (!redraw.should_draw(window.take_input_events(), dashboard.animating(), seconds_since(start, frame_start)))
        continue;
      if (window.refresh_swapchain()) renderer.set_min_image_count(window.min_image_count());
      ImGui_ImplVulkan_NewFrame();
      window.new_imgui_frame();
      ImGui::NewFrame();
      if (workspace.update()) dashboard.on_new_results();
      renderer.heatmaps().begin_frame();
      dash_status.key_taps = window.take_key_taps();
      running = dashboard.draw(dash_status);
      ImGui::Render();
      stats.triangles = ImGui::GetDrawData()->TotalIdxCount / 3;
      window.render_and_present([&](VkCommandBuffer cmd) { renderer.record(cmd, ImGui::GetDrawData()); },
                                viz::background_color());
      const auto now = std::chrono::steady_clock::now();
      if (frame_ms.empty()) stats.first_frame_ms = std::chrono::duration<double, std::milli>(now - start).count();
      // Playback follows the clock; after an idle wait the step is at most a tenth of a second.
      dashboard.advance(std::min(0.1, std::chrono::duration<double>(now - previous).count()));
      previous = now;
      const float ms = std::chrono::duration<float, std::milli>(now - frame_start).count();
      frame_ms.push_back(ms);
      dash_status.frame_ms = ms;
      if (options.frames > 0 && static_cast<int>(frame_ms.size()) >= options.frames) running = false;
    }
    stats.recompute_ms = workspace.last_recompute_ms();
    stats.present = window.present_name();
    stats.recomputes = workspace.recompute_count();
    if (!options.screenshot.empty()) save_screenshot(*context, renderer, window.format(), options.screenshot);
    const viz::ViewState& view = dashboard.view();
    final_state = "view cursor=" + std::to_string(view.cursor) + " channel=" + std::to_string(view.channel) +
                  " head=" + std::to_string(view.head) + " recomputes=" + std::to_string(workspace.recompute_count()) +
                  "\npanels " + dashboard.panel_layout();
    vkDeviceWaitIdle(context->device());
  }
  ImGui::DestroyContext();
  if (options.stats) {
    print_stats(stats);
    std::printf("%s\n", final_state.c_str());
  }
  return context->validation_messages() > 0 ? 3 : 0;
}

}  // namespace seqscope::app
