// Runs a command through the shell and captures its exit code, stdout and stderr (CLI and GUI
// tests drive the real seqscope binary this way).
#pragma once
#include <string>

namespace seqscope::testing {

struct ProcessResult {
  int exit_code = -1;
  std::string out, err;
};

ProcessResult run_process(const std::string& command);
// Lines of `text` that contain `needle`.
int count_lines_with(const std::string& text, const std::string& needle);

}  // namespace seqscope::testing
