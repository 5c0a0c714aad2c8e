// Command line of seqscope (CLI11): the GUI flags and the `export` subcommand. Parsing never
// exits the process itself: it returns an exit code for --help/--version or a bad flag.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "app/cmd_bench.h"
#include "app/cmd_train.h"

namespace seqscope::app {

// --channel, --head, --normalization, --log/--no-log, --shared-scale/--no-shared-scale, --tab,
// --cost-tab, --state-color, --emphasize: over the session's view section (app/view_config.h).
struct ViewFlags {
  std::optional<int> channel, head;
  std::optional<std::string> normalization, tab, cost_tab, state_color, emphasize;
  std::optional<bool> log_scale, shared_scale;
};

enum class Command { Gui, ListDevices, Export, Lessons, Tokenize, Bench, Train, Eval };

struct Options {
  Command command = Command::Gui;
  std::optional<std::string> session_path;
  std::optional<std::string> preset;  // --preset NAME: a shipped preset (its session, or its trained models)
  std::optional<uint32_t> device;  // --device INDEX (else SEQSCOPE_DEVICE, else automatic)
  int width = 1600;                // window or export size in pixels
  int height = 1000;
  bool width_given = false, height_given = false;  // export --panel: else 560 per panel, height follows
  // GUI
  int frames = 0;  // quit after N frames; 0 = until the window is closed
  std::string screenshot;
  bool stats = false;
  std::string present = "auto";
  std::string redraw = "auto";  // --redraw auto|always|on-change (app/redraw_policy.h)  // --present auto|wsi|shm: how frames reach the window (app/window.h)
  bool train_window = false;  // --train: open the Train window
  std::optional<int> step;             // --step T: the cursor t (overrides the session's)
  std::optional<std::string> backend;  // --backend auto|eigen|vulkan (overrides the session's)
  ViewFlags view;                      // the session's view section, overridden
  // export
  std::string png;
  std::string panel;         // --panel NAME[,NAME...]: a figure of these panels instead of the dashboard
  bool list_panels = false;  // --list-panels
  bool panel_numbers = false;  // --panel-numbers: numbered badges as in docs/dashboard.md
  std::string tensors_dir;   // --tensors DIR: every tensor as .npy + manifest.json
  std::string save_session;  // --save-session FILE: the normalized session, every default written
  std::string lesson;        // --lesson NAME: open (window) or export a lesson step (app/cmd_lessons.cpp)
  int lesson_step = 1;       // --lesson-step K, 1-based
  int scale = 1;             // --scale S: figures rendered at S x the size (1, 2 or 4)
  bool transparent = false;  // --transparent: figures with no window background
  bool force = false;        // --force: run even when the results would not fit in free memory
  std::string gif;           // --gif FILE: the cursor stepped from --from to --to
  std::optional<int> gif_from, gif_to;
  int fps = 8;
  std::string csv_dir;  // --csv DIR: tensors as CSV (see compute/io/tensor_csv.h)
  std::string rows;     // --rows T0:T1: exact rows of α (--channel) and probs (--head) into --tensors DIR
  // real checkpoints (app/cmd_model.cpp)
  std::string model, model2;  // --model DIR, --model2 DIR: Hugging Face folders
  std::optional<std::string> text;    // --text STR
  std::string tokens;                 // --tokens 1,2,3
  std::string targets;                // export --grads: --targets 3,-1,4 (-1 = no loss there)
  std::string grads_dir;              // export --grads DIR: d loss / d parameter (grads_export.h)
  std::string curves;                 // export --curves DIR,DIR: training curves (curves_export.h)
  int layer = 0;                      // --layer I
  int layer2 = 0;                     // --layer2 I: the layer of --model2
  uint64_t sample = 0;                // --sample N: the task sample a seqscope model is shown on
  std::string tokenizer;              // tokenize --tokenizer FILE.json
  BenchOptions bench;        // `seqscope bench`
  TrainOptions train;        // `seqscope train` (app/cmd_train.cpp)
  EvalOptions eval;          // `seqscope eval`
};

// Fills `options`; returns nullopt to go on, or the exit code to return now (0 after --help
// or --version, 2 after a bad flag, with one line printed).
std::optional<int> parse_command_line(int argc, char** argv, Options& options);

}  // namespace seqscope::app
