// Runs a command through the shell and captures its exit code, stdout and stderr (CLI and GUI
// tests drive the real seqscope binary this way).
#pragma once
#include <filesystem>
#include <string>

namespace seqscope::testing {

struct ProcessResult {
  int exit_code = -1;
  std::string out, err;
};

ProcessResult run_process(const std::string& command);
// Lines of `text` that contain `needle`.
int count_lines_with(const std::string& text, const std::string& needle);
// A scratch folder of this test process, created: $TMPDIR/seqscope_<suite>_<pid>. Tests run in
// parallel (ctest -j, other checkouts), so no two processes share one.
std::filesystem::path scratch_dir(const std::string& suite);

}  // namespace seqscope::testing
