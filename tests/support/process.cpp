#include "tests/support/process.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace seqscope::testing {
namespace {
std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}
}  // namespace

ProcessResult run_process(const std::string& command) {
  static int counter = 0;
  const auto base = std::filesystem::temp_directory_path() /
                    ("seqscope_proc_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  const std::string out = base.string() + ".out", err = base.string() + ".err";
  const int status = std::system((command + " >" + out + " 2>" + err + " </dev/null").c_str());
  ProcessResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = slurp(out);
  result.err = slurp(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return result;
}

std::filesystem::path scratch_dir(const std::string& suite) {
  // Removed when the test process exits.
  struct Folders {
    std::vector<std::filesystem::path> made;
    ~Folders() {
      std::error_code ignored;
      for (const auto& dir : made) std::filesystem::remove_all(dir, ignored);
    }
  };
  static Folders folders;
  const auto dir = std::filesystem::temp_directory_path() / ("seqscope_" + suite + "_" + std::to_string(::getpid()));
  if (std::filesystem::create_directories(dir)) folders.made.push_back(dir);
  return dir;
}

int count_lines_with(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  int count = 0;
  for (std::string line; std::getline(in, line);) count += line.find(needle) != std::string::npos;
  return count;
}

}  // namespace seqscope::testing
