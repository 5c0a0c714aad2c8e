// The entry points main.cpp dispatches to: the windowed GUI, the device list and headless export
// (synthetic sessions, lessons and model folders); lessons, tokenize and bench have their own
// (app/cmd_*.h). Each returns the process exit code; user mistakes are one line on stderr and code 2.
#pragma once
#include <memory>

#include "app/cli.h"

namespace seqscope::gpu {
class Context;
}

namespace seqscope::app {

int run_gui(const Options& options);
int run_list_devices();
int run_export(const Options& options);
// `export`: with --model, figures (--png) render the model's dashboard as the window shows it
// and --tensors writes the model's tensors (run_model_export); without, run_export.
int run_any_export(const Options& options);

// A Vulkan context without a window, on --device (else SEQSCOPE_DEVICE, else the automatic
// choice); null, after one line on stderr, when there is none.
std::unique_ptr<gpu::Context> make_headless_context(const Options& options);

// The one-line hint shown when there is no display.
const char* headless_hint();

}  // namespace seqscope::app
