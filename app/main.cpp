// seqscope entry point: parse the command line, run the GUI, the device list or an export,
// and turn every error into one line on stderr with a non-zero exit code (never an abort).
#include <cstdio>
#include <exception>

#include "app/cli.h"
#include "app/cmd_lessons.h"
#include "app/cmd_model.h"
#include "app/cmd_train.h"
#include "app/model_zoo.h"
#include "app/run.h"
#include "core/allocator.h"
#include "core/types.h"
#include "gpu/check.h"

int main(int argc, char** argv) {
  using namespace seqscope;
  keep_freed_memory_for_reuse();
  app::Options options;
  if (const auto exit_code = app::parse_command_line(argc, argv, options)) return *exit_code;
  try {
    app::resolve_zoo_models(options);
    switch (options.command) {
      case app::Command::ListDevices: return app::run_list_devices();
      case app::Command::Export: return app::run_any_export(options);
      case app::Command::Tokenize: return app::run_tokenize(options);
      case app::Command::Gui: return app::run_gui(options);
      case app::Command::Lessons: return app::run_lessons();
      case app::Command::Bench: return app::run_bench(options.bench);
      case app::Command::Train: return app::run_train(options.train);
      case app::Command::Eval: return app::run_eval(options.eval);
    }
  } catch (const compute::UserError& e) {
    std::fprintf(stderr, "seqscope: %s\n", e.what());
    return 2;
  } catch (const gpu::VulkanError& e) {
    std::fprintf(stderr, "seqscope: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "seqscope: internal error: %s\n", e.what());
    return 1;
  }
  return 0;
}
