#include "app/cli.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "app/cmd_model.h"
#include "compute/session/presets.h"
#include "compute/session/session_schema.h"
#include "core/version.h"

namespace seqscope::app {
namespace {

// An image file seqscope is to write: the extension says the format it writes (so out.jpg is not
// PNG bytes under a JPEG name), and the path is no directory and sits in one that exists. Checked
// when the flags are read, before anything renders.
CLI::Validator output_image(std::string extension) {
  return CLI::Validator(
      [extension](std::string& path) -> std::string {
        const std::filesystem::path p(path);
        std::string ext = p.extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
        std::error_code ignored;
        if (std::filesystem::is_directory(p, ignored)) return "'" + path + "' is a directory, not a " + extension + " file";
        if (ext != extension)
          return "'" + path + "' must end in " + extension + " (seqscope writes " + extension.substr(1) + " only)";
        const std::filesystem::path parent = p.parent_path();
        if (!parent.empty() && !std::filesystem::is_directory(parent, ignored))
          return "cannot write '" + path + "': the folder '" + parent.string() + "' does not exist";
        return "";
      },
      extension.substr(1) == "png" ? "PNG FILE" : "GIF FILE");
}

// --preset NAME: a preset of trained models becomes their --model flags; a session preset is
// read by initial_session (session_setup.h).
void apply_preset(Options& options) {
  const compute::Preset preset = compute::find_preset(*options.preset);
  if (!preset.models.shown()) return;
  if (!options.model.empty()) throw compute::UserError("'" + preset.name + "' opens its own models: drop --model");
  options.model = preset.models.model;
  options.model2 = preset.models.model2;
  options.layer = preset.models.layer;
  options.layer2 = preset.models.layer2;
  options.sample = preset.models.sample;
}

// Choices of one enum of the session schema, for CLI::IsMember.
template <typename E>
std::vector<std::string> enum_choices() {
  std::vector<std::string> names;
  for (const auto& entry : compute::schema::enum_names(E{})) names.emplace_back(entry.name);
  return names;
}

// The view section's flags (docs/session.md, "view"): how the maps and panels are shown.
void add_view_flags(CLI::App& cli, ViewFlags& view) {
  cli.add_option("--channel", view.channel, "SSM channel d the panels show")->check(CLI::Range(0, 65535));
  cli.add_option("--head", view.head, "Attention head the map shows")->check(CLI::Range(0, 1023));
  cli.add_option("--normalization", view.normalization, "How the α and attention maps are scaled")
      ->check(CLI::IsMember(enum_choices<compute::MapNormalization>()));
  // Flag callbacks, so that an absent flag leaves the session's choice alone.
  cli.add_flag_callback("--log", [&view] { view.log_scale = true; }, "Colour the maps by log10 (the default)");
  cli.add_flag_callback("--no-log", [&view] { view.log_scale = false; }, "Colour the maps linearly");
  cli.add_flag_callback("--shared-scale", [&view] { view.shared_scale = true; },
                        "Colour α and the attention map over one range");
  cli.add_flag_callback("--no-shared-scale", [&view] { view.shared_scale = false; },
                        "Colour each map over its own range (the default)");
  cli.add_option("--tab", view.tab, "Tab of the dynamics panel")->check(CLI::IsMember(enum_choices<compute::DynamicsTab>()));
  cli.add_option("--cost-tab", view.cost_tab, "View of the cost panel when it shows one at a time")
      ->check(CLI::IsMember(enum_choices<compute::CostTab>()));
  cli.add_option("--state-color", view.state_color, "Colour range of the state maps: every channel's or the selected one's")
      ->check(CLI::IsMember(enum_choices<compute::StateColorScope>()));
  cli.add_option("--emphasize", view.emphasize, "Outline these panels and give them more room (NAME,NAME)");
}

void add_session_flags(CLI::App& cli, Options& options) {
  CLI::Option* session =
      cli.add_option("--session", options.session_path, "Session to open (.json, a preset file, or a PNG made by seqscope)")
          ->check(CLI::ExistingFile);
  cli.add_option("--preset", options.preset, "Open a shipped preset by name or number, e.g. 3 or selective_copy")
      ->excludes(session);
  cli.add_option("--step", options.step, "Cursor t to show (0..L-1)")->check(CLI::NonNegativeNumber);
  cli.add_option("--backend", options.backend, "Compute backend (overrides the session's)")
      ->check(CLI::IsMember({"auto", "eigen", "vulkan"}));
  cli.add_option("--device", options.device, "Vulkan device index (see --list-devices); also SEQSCOPE_DEVICE");
  add_view_flags(cli, options.view);
}

void add_size_flags(CLI::App& cli, Options& options) {
  cli.add_option("--width", options.width, "Width in pixels (window or export)")->check(CLI::Range(64, 16384));
  cli.add_option("--height", options.height, "Height in pixels (window or export)")->check(CLI::Range(64, 16384));
}

// Export flags beyond the basic ones; their checks live in app/headless_export.cpp so that
// every bad value is one line naming it.
void add_figure_flags(CLI::App& cli, Options& options) {
  cli.add_option("--scale", options.scale, "Render figures at 1, 2 or 4 times the size (fonts and layout at that scale)");
  cli.add_flag("--transparent", options.transparent, "Figures with a transparent background");
  cli.add_option("--gif", options.gif, "Write an animated GIF of stepping the cursor from --from to --to")
      ->check(output_image(".gif"));
  cli.add_option("--from", options.gif_from, "First t of the GIF (default 0)");
  cli.add_option("--to", options.gif_to, "Last t of the GIF (default L-1)");
  cli.add_option("--fps", options.fps, "GIF frames per second (1..50, default 8)");
  cli.add_option("--csv", options.csv_dir, "Write tensors as CSV into DIR (2-D as one file, 3-D one file per first index)");
}

}  // namespace

std::optional<int> parse_command_line(int argc, char** argv, Options& options) {
  CLI::App cli{"seqscope: see how a state space model and attention process the same sequence"};
  cli.set_version_flag("--version", std::string("seqscope ") + compute::version() + " (Eigen SIMD: " +
                                        compute::simd_instruction_sets() + ")");
  bool list_devices = false;
  cli.add_flag("--list-devices", list_devices, "List Vulkan devices (index, name, type, API version) and exit");
  add_session_flags(cli, options);
  cli.add_option("--frames", options.frames, "Quit after N frames")->check(CLI::Range(1, 100000000));
  cli.add_option("--screenshot", options.screenshot,
                 "When the window closes (or after --frames N), save its last frame as a PNG")
      ->check(output_image(".png"));
  cli.add_flag("--stats", options.stats, "At exit print: frame_ms median=X p95=Y frames=N");
  cli.add_option("--present", options.present,
                 "How frames reach the window: auto (X11 shared memory on a CPU device, else the Vulkan "
                 "swapchain), wsi or shm")
      ->check(CLI::IsMember({"auto", "wsi", "shm"}));
  cli.add_option("--redraw", options.redraw,
                 "When the window draws: on-change (input, playback, a running job; else once a second), "
                 "always, or auto (on-change, but always with --frames)")
      ->check(CLI::IsMember({"auto", "always", "on-change"}));
  cli.add_flag("--train", options.train_window, "Open the Train window: train small models side by side");
  cli.add_option("--lesson", options.lesson, "Open lesson NAME (see seqscope lessons) at --lesson-step");
  cli.add_option("--lesson-step", options.lesson_step, "Step K of the lesson, 1-based")->check(CLI::Range(1, 999));
  add_size_flags(cli, options);
  add_model_flags(cli, options);

  CLI::App* export_cmd = cli.add_subcommand("export", "Render without a display (offscreen Vulkan)");
  export_cmd->add_option("--png", options.png, "Write the dashboard as a PNG")->check(output_image(".png"));
  export_cmd->add_option("--panel", options.panel,
                         "A figure of these panels side by side instead of the dashboard: NAME[,NAME...] "
                         "(see --list-panels); its height follows --width unless --height is given");
  export_cmd->add_flag("--list-panels", options.list_panels, "Print the panel names and exit");
  export_cmd->add_flag("--panel-numbers", options.panel_numbers, "Number the panels as in docs/dashboard.md");
  export_cmd->add_option("--tensors", options.tensors_dir, "Write every tensor as .npy + manifest.json into DIR");
  export_cmd->add_option("--save-session", options.save_session, "Write the full normalized session (.json)");
  export_cmd->add_option("--grads", options.grads_dir,
                         "With a seqscope --model, --tokens and --targets: write loss and d loss / d parameter to DIR");
  export_cmd->add_option("--curves", options.curves,
                         "Training curves of folders written by seqscope train (DIR,DIR,...) as --png");
  export_cmd->add_option("--rows", options.rows,
                         "With --tensors DIR: exact rows T0..T1 of channel --channel's α and head --head's probs, any L "
                         "(T0:T1, inclusive; 0:L-1 is the whole map)");
  export_cmd->add_flag("--force", options.force,
                       "Run even when the results are estimated to need more memory than is free");
  export_cmd->add_option("--targets", options.targets, "Target ids for --grads, one per token, -1 = no loss there");
  add_session_flags(*export_cmd, options);
  export_cmd->add_option("--lesson", options.lesson, "Render lesson NAME (see seqscope lessons) at --lesson-step");
  export_cmd->add_option("--lesson-step", options.lesson_step, "Step K of the lesson, 1-based")->check(CLI::Range(1, 999));
  CLI::App* lessons_cmd = cli.add_subcommand("lessons", "List the guided lessons: NAME<TAB>TITLE<TAB>STEPS");
  add_size_flags(*export_cmd, options);
  add_figure_flags(*export_cmd, options);
  add_model_flags(*export_cmd, options);
  CLI::App* tokenize_cmd = add_tokenize_command(cli, options);
  CLI::App* bench_cmd = add_bench_command(cli, options.bench);
  CLI::App* train_cmd = add_train_command(cli, options.train);
  CLI::App* eval_cmd = add_eval_command(cli, options.eval);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line, naming the problem, then the hint; exit code 2 for every bad flag.
    std::fprintf(stderr, "seqscope: %s (see seqscope --help)\n", e.what());
    return 2;
  }
  if (options.preset) {
    try {
      apply_preset(options);
    } catch (const compute::UserError& e) {
      std::fprintf(stderr, "seqscope: --preset: %s\n", e.what());
      return 2;
    }
  }
  if (list_devices) options.command = Command::ListDevices;
  if (lessons_cmd->parsed()) options.command = Command::Lessons;
  if (tokenize_cmd->parsed()) options.command = Command::Tokenize;
  if (bench_cmd->parsed()) options.command = Command::Bench;
  if (train_cmd->parsed()) options.command = Command::Train;
  if (eval_cmd->parsed()) options.command = Command::Eval;
  if (export_cmd->parsed()) {
    options.command = Command::Export;
    options.width_given = export_cmd->get_option("--width")->count() > 0;
    options.height_given = export_cmd->get_option("--height")->count() > 0;
    if (!options.rows.empty() && options.tensors_dir.empty()) {
      std::fprintf(stderr, "seqscope: export --rows needs --tensors DIR (the rows are written there)\n");
      return 2;
    }
    if (!options.curves.empty() && options.png.empty()) {
      std::fprintf(stderr, "seqscope: export --curves needs --png FILE\n");
      return 2;
    }
    if (options.png.empty() && options.gif.empty() && options.tensors_dir.empty() && options.csv_dir.empty() &&
        options.save_session.empty() && options.grads_dir.empty() && !options.list_panels) {
      std::fprintf(stderr,
                   "seqscope: export needs --png FILE, --gif FILE, --tensors DIR, --csv DIR, --save-session FILE or "
                   "--grads DIR\n");
      return 2;
    }
  }
  return std::nullopt;
}

}  // namespace seqscope::app
