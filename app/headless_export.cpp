// Headless export (`seqscope export`): the normalized session, tensors (.npy + manifest, or
// CSV), and figures rendered offscreen with no window and no surface: the dashboard or one panel
// as a PNG (carrying its session) or as an animated GIF of the cursor stepping. Works on a
// machine with no display at all. Every bad value is checked before anything is written.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <string_view>

#include "app/cmd_lessons.h"
#include "app/cmd_model.h"
#include "app/curves_export.h"
#include "app/dashboard.h"
#include "app/export_render.h"
#include "app/grads_export.h"
#include "app/model_source.h"
#include "app/run.h"
#include "app/run_estimate.h"
#include "app/session_setup.h"
#include "app/view_config.h"
#include "app/workspace.h"
#include "compute/io/exact_rows.h"
#include "compute/io/tensor_csv.h"
#include "compute/io/tensor_export.h"
#include "core/progress.h"
#include "viz/panels/panel_id.h"
#include "viz/render/gif_writer.h"
#include "viz/render/image_export.h"

namespace seqscope::app {
namespace {

constexpr int k_max_fps = 50;  // GIF delays are in 1/100 s; viewers slow down faster ones

std::string device_label(const gpu::Context& context) {
  return context.device_info().name + " (" + gpu::device_type_name(context.device_info().type) + ")";
}

// While a headless recompute runs longer than ~2 s, one line on a terminal's stderr, rewritten in
// place: "computing L = 65536 · 41 s · done: ssm.hidden_attention". Nothing when stderr is a
// file or a pipe (scripts read it), and the line is cleared when the run ends.
class ProgressLine {
 public:
  explicit ProgressLine(int length) : length_(length), scope_(&progress_) {
    if (isatty(fileno(stderr))) printer_ = std::thread([this] { print_until_done(); });
  }
  ~ProgressLine() {
    done_.store(true);
    if (printer_.joinable()) printer_.join();
  }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

 private:
  void print_until_done() {
    const auto start = std::chrono::steady_clock::now();
    bool printed = false;
    while (!done_.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (seconds < 2.0 || done_.load()) continue;
      const std::string stage = progress_.last_stage();
      std::fprintf(stderr, "\r\033[Kcomputing L = %d · %.0f s%s%s", length_, seconds, stage.empty() ? "" : " · done: ",
                   stage.c_str());
      std::fflush(stderr);
      printed = true;
    }
    if (printed) std::fprintf(stderr, "\r\033[K");
  }

  int length_;
  compute::StageProgress progress_;
  compute::ProgressScope scope_;  // the stages of this thread's recompute report here
  std::atomic<bool> done_{false};
  std::thread printer_;
};

constexpr uint32_t k_panel_figure_width = 560;  // per panel, when --width is not given

FigureSpec figure_spec(const Options& options) {
  FigureSpec spec;
  spec.panel = options.panel;
  spec.width = static_cast<uint32_t>(options.width);
  spec.height = static_cast<uint32_t>(options.height);
  if (!spec.panel.empty()) {  // a figure of panels: tight, its height follows the width
    if (!options.width_given) spec.width = k_panel_figure_width * static_cast<uint32_t>(figure_panels(spec).size());
    if (!options.height_given) spec.height = 0;
  }
  spec.scale = options.scale;
  spec.transparent = options.transparent;
  return spec;
}

// --rows T0:T1 with --channel C and --head H (else the session's view): exact rows into --tensors.
void export_rows(const Options& options, const compute::Session& session, const compute::Results& results) {
  compute::ExactRows rows{session.view.channel, session.view.head, 0, 0};
  char tail = 0;
  if (std::sscanf(options.rows.c_str(), "%d:%d%c", &rows.t0, &rows.t1, &tail) != 2)
    throw compute::UserError("--rows '" + options.rows + "' is not T0:T1 (two step indices, e.g. 100:199)");
  compute::check_exact_rows(results, rows);
  const double bytes = compute::exact_rows_bytes(results, rows), free_bytes = available_memory_bytes();
  if (free_bytes > 0.0 && bytes > free_bytes && !options.force)
    throw compute::UserError("--rows " + options.rows + " needs about " + std::to_string(static_cast<int>(bytes / 1e6)) +
                             " MB and " + std::to_string(static_cast<int>(free_bytes / 1e6)) +
                             " MB are free: export fewer rows (or pass --force)");
  compute::write_exact_rows(results, rows, options.tensors_dir);
  std::printf("wrote rows %d..%d of alpha (channel %d) and probs (head %d) to %s\n", rows.t0, rows.t1, rows.channel,
              rows.head, options.tensors_dir.c_str());
}

struct GifRange {
  int from = 0, to = 0;
};

// Throws UserError for a range outside 0..L-1, a reversed range or a bad frame rate.
GifRange gif_range(const Options& options, const compute::Session& session) {
  const int length = compute::sequence_length(session);
  const GifRange range{options.gif_from.value_or(0), options.gif_to.value_or(length - 1)};
  for (const auto& [flag, t] : {std::pair{"--from", range.from}, std::pair{"--to", range.to}})
    if (t < 0 || t >= length)
      throw compute::UserError(std::string(flag) + " " + std::to_string(t) + " is out of range (0.." +
                               std::to_string(length - 1) + " for this session's L = " + std::to_string(length) + ")");
  if (range.from > range.to)
    throw compute::UserError("bad GIF range: --from " + std::to_string(range.from) + " is after --to " +
                             std::to_string(range.to));
  if (options.fps < 1 || options.fps > k_max_fps)
    throw compute::UserError("--fps " + std::to_string(options.fps) + " is out of range (1.." +
                             std::to_string(k_max_fps) + ")");
  return range;
}

void export_png(const Options& options, FigureRenderer& renderer, const Workspace& workspace, int t) {
  const viz::Image image = renderer.render(t);
  viz::write_png(options.png, image, figure_metadata(workspace.session(), renderer.view()));
  std::printf("wrote %s (%ux%u)\n", options.png.c_str(), image.width, image.height);
}

void export_gif(const Options& options, FigureRenderer& renderer, const FigureSpec& spec, GifRange range) {
  const auto scale = static_cast<uint32_t>(spec.scale);
  viz::GifWriter gif(options.gif, spec.width * scale, spec.height * scale, options.fps);
  for (int t = range.from; t <= range.to; ++t) gif.add_frame(renderer.render(t));
  gif.finish();
  std::printf("wrote %s (%d frames, t = %d..%d, %d fps)\n", options.gif.c_str(), gif.frames(), range.from, range.to,
              options.fps);
}

}  // namespace

int run_list_devices() {
  const gpu::DeviceList list = gpu::list_devices();
  if (!list.status.ok()) {
    std::fprintf(stderr, "seqscope: %s\n", list.status.message().c_str());
    return 1;
  }
  for (const gpu::DeviceInfo& device : list.devices)
    std::printf("%u\t%s\t%s\tVulkan %s\n", device.index, device.name.c_str(), gpu::device_type_name(device.type),
                gpu::api_version_string(device.api_version).c_str());
  return 0;
}

int run_export(const Options& options) {
  if (options.list_panels) {
    for (const viz::PanelInfo& panel : viz::k_panels) std::printf("%s\n", panel.name);
    return 0;
  }
  const FigureSpec spec = figure_spec(options);
  check_figure_spec(spec);
  const compute::Session session = options.lesson.empty() ? initial_session(options) : lesson_session(options);
  const bool figures = !options.png.empty() || !options.gif.empty();
  const GifRange range = options.gif.empty() ? GifRange{} : gif_range(options, session);
  if (!options.save_session.empty()) {
    save_session_file(session, options.save_session);
    std::printf("wrote %s\n", options.save_session.c_str());
  }
  // Vulkan is needed for images only; tensors from the Eigen backend need no device at all.
  std::unique_ptr<gpu::Context> context;
  if (figures || session.backend == compute::BackendChoice::Vulkan) {
    context = make_headless_context(options);
    if (!context) return 1;
  }
  const bool eigen = session.backend == compute::BackendChoice::Eigen ||
                     (session.backend == compute::BackendChoice::Auto && (!context || context->device_info().is_cpu()));
  if (options.model.empty()) check_run_size(estimate_run(session, eigen), available_memory_bytes(), options.force, stderr);
  Workspace workspace(session, context.get());
  workspace.set_free_memory_probe([] { return 0.0; });  // checked above, where --force applies
  const bool model = !options.model.empty();  // figures only: run_any_export writes its tensors
  if (model)
    workspace.use_model(std::make_unique<ModelSource>(options.model, options.model2,
                                                      options.text, options.layer,
                                                      options.layer2, options.sample));
  if (model || !options.tensors_dir.empty() || !options.csv_dir.empty() || figures) {
    const ProgressLine progress(compute::sequence_length(session));
    workspace.update();
    if (!workspace.error().empty()) throw compute::UserError(workspace.error());
  }
  if (!model && !options.rows.empty()) export_rows(options, session, workspace.results());  // checked first
  if (!model && !options.tensors_dir.empty()) {
    const auto manifest = compute::write_tensors(workspace.results(), options.tensors_dir);
    std::printf("wrote %zu tensors to %s (backend %s)\n", manifest.size(), options.tensors_dir.c_str(),
                workspace.results().backend.c_str());
  }
  if (!model && !options.csv_dir.empty()) {
    const auto manifest = compute::write_tensors_csv(workspace.results(), options.csv_dir);
    std::printf("wrote %zu tensors as CSV to %s\n", manifest.size(), options.csv_dir.c_str());
  }
  if (figures) {
    const viz::ViewState view = view_from_session(session);
    FigureRenderer renderer(*context, workspace, view, spec, device_label(*context));
    renderer.prepare([&](Dashboard& dashboard) {
      dashboard.set_panel_numbers(options.panel_numbers);
      // A lesson step that shows the measured sweep measures it here, before the figure.
      dashboard.set_cost_sweep(std::make_shared<CostSweepRunner>(context->device_info().index, true));
      if (!options.lesson.empty()) open_lesson_step(dashboard, options);
      dashboard.wait_for_lesson_evaluations();
      // A lesson step with trained models opened them: run them before the figure.
      if (workspace.update()) dashboard.on_new_results();
      if (!workspace.error().empty()) throw compute::UserError(workspace.error());
    });
    if (!options.png.empty()) export_png(options, renderer, workspace, renderer.view().cursor);
    if (!options.gif.empty()) export_gif(options, renderer, spec, range);
  }
  return context && context->validation_messages() > 0 ? 3 : 0;
}

std::unique_ptr<gpu::Context> make_headless_context(const Options& options) {
  gpu::ContextOptions context_options;
  context_options.device_index = options.device;
  auto [context, status] = gpu::Context::create(gpu::options_from_environment(context_options));
  if (!context) std::fprintf(stderr, "seqscope: %s\n", status.message().c_str());
  return std::move(context);
}

int run_any_export(const Options& options) {
  if (!options.curves.empty()) return run_curves_export(options);
  if (!options.grads_dir.empty()) {
    if (options.model.empty()) throw compute::UserError("export --grads needs --model DIR (a seqscope model folder)");
    if (!options.png.empty() || !options.gif.empty() || !options.tensors_dir.empty() || !options.csv_dir.empty())
      throw compute::UserError("export --grads writes the gradients alone; run --png / --tensors as another export");
    return run_grads_export(options);
  }
  if (options.model.empty()) return run_export(options);
  if (!options.gif.empty()) throw compute::UserError("export --gif is not available with --model: use --png");
  if (!options.csv_dir.empty()) throw compute::UserError("export --csv is not available with --model: use --tensors");
  const bool png = !options.png.empty();
  if (!png && options.tensors_dir.empty())
    throw compute::UserError("export --model needs --png FILE or --tensors DIR");
  if (!png && !options.model2.empty())
    throw compute::UserError("export --tensors writes --model's layer only; --model2 is for --png figures");
  const int figures = png ? run_export(options) : 0;
  const int tensors = options.tensors_dir.empty() ? 0 : run_model_export(options);
  return std::max(figures, tensors);
}

}  // namespace seqscope::app
