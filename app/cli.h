// Command line of seqscope (CLI11): the GUI flags and the `export` subcommand. Parsing never
// exits the process itself: it returns an exit code for --help/--version or a bad flag.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "app/cmd_bench.h"

namespace seqscope::app {

enum class Command { Gui, ListDevices, Export, Bench };

struct Options {
  Command command = Command::Gui;
  std::optional<std::string> session_path;
  std::optional<uint32_t> device;  // --device INDEX (else SEQSCOPE_DEVICE, else automatic)
  int width = 1600;                // window or export size in pixels
  int height = 1000;
  // GUI
  int frames = 0;  // quit after N frames; 0 = until the window is closed
  std::string screenshot;
  bool stats = false;
  std::optional<int> step;             // --step T: the cursor t (overrides the session's)
  std::optional<std::string> backend;  // --backend auto|eigen|vulkan (overrides the session's)
  // export
  std::string png;
  std::string panel;         // --panel NAME: one panel instead of the dashboard
  bool list_panels = false;  // --list-panels
  std::string tensors_dir;   // --tensors DIR: every tensor as .npy + manifest.json
  std::string save_session;  // --save-session FILE: the normalized session, every default written
  BenchOptions bench;        // `seqscope bench`
};

// Fills `options`; returns nullopt to go on, or the exit code to return now (0 after --help
// or --version, 2 after a bad flag, with one line printed).
std::optional<int> parse_command_line(int argc, char** argv, Options& options);

}  // namespace seqscope::app
