// Training curves as a PNG (curves_export.h).
#include "app/curves_export.h"

#include <cstdio>
#include <sstream>

#include "app/run.h"
#include "compute/train/history.h"
#include "core/types.h"
#include "core/version.h"
#include "viz/panels/training_curves_panel.h"
#include "viz/render/headless_ui.h"
#include "viz/render/image_export.h"
#include "viz/widgets/imgui_context_scope.h"

namespace seqscope::app {
namespace {

std::vector<compute::train::TrainingHistory> read_runs(const std::string& list) {
  std::vector<compute::train::TrainingHistory> runs;
  std::istringstream in(list);
  for (std::string dir; std::getline(in, dir, ',');) {
    if (dir.empty()) throw compute::UserError("--curves: an empty folder name in '" + list + "'");
    runs.push_back(compute::train::read_training_history(dir));
  }
  if (runs.empty()) throw compute::UserError("--curves needs at least one folder written by seqscope train");
  if (runs.size() > 8) throw compute::UserError("--curves takes at most 8 folders (" + std::to_string(runs.size()) + " given)");
  return runs;
}

}  // namespace

std::string curves_title(std::span<const compute::train::TrainingHistory> runs) {
  std::string title;
  for (const auto& run : runs) {
    const std::string task = run.task.empty() ? "no task" : run.task;
    if (title.find(task) == std::string::npos) title += (title.empty() ? "" : ", ") + task;
  }
  return "Training · " + title;
}

viz::Image render_training_curves(gpu::Context& context, std::span<const compute::train::TrainingHistory> runs,
                                  const std::string& title, uint32_t width, uint32_t height, int scale) {
  if (scale != 1 && scale != 2 && scale != 4)
    throw compute::UserError("scale " + std::to_string(scale) + " is not supported (use 1, 2 or 4)");
  const viz::ImGuiContextScope restore(ImGui::GetCurrentContext());  // the caller's again on return
  viz::HeadlessUi ui(context, static_cast<float>(scale));           // current until it is destroyed
  const auto s = static_cast<uint32_t>(scale);
  return ui.render(width * s, height * s, [&] {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    ImGui::Begin("curves", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
    viz::draw_training_curves(runs, title);
    ImGui::End();
  });
}

int run_curves_export(const Options& options) {
  if (options.png.empty()) throw compute::UserError("export --curves needs --png FILE");
  if (!options.model.empty() || !options.tensors_dir.empty() || !options.gif.empty() || !options.csv_dir.empty())
    throw compute::UserError("export --curves writes one figure alone; run --model / --tensors / --gif as another export");
  const auto runs = read_runs(options.curves);
  const std::unique_ptr<gpu::Context> context = make_headless_context(options);
  if (!context) return 1;
  const viz::Image image = render_training_curves(*context, runs, curves_title(runs), static_cast<uint32_t>(options.width),
                                                  static_cast<uint32_t>(options.height), options.scale);
  viz::write_png(options.png, image, {{"seqscope.version", compute::version()}});
  std::printf("wrote %s (%ux%u, %zu runs)\n", options.png.c_str(), image.width, image.height, runs.size());
  return context->validation_messages() > 0 ? 3 : 0;
}

}  // namespace seqscope::app
