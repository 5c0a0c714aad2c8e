// Tiny checkpoint folders for the tests, made by tests/compute/checkpoint/checkpoints.py (real key
// names and config fields, random weights): make_folder("make_mamba_at") writes one into a
// fresh folder of this process and returns its path.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace seqscope::testing {

inline std::filesystem::path make_folder(const std::string& function) {
  const auto dir = std::filesystem::temp_directory_path() / ("seqscope_" + function + std::to_string(::getpid()));
  const std::string cmd = std::string(SEQSCOPE_PYTHON) + " -c \"import sys; sys.path.insert(0, '" +
                          SEQSCOPE_CHECKPOINT_TOOLS + "'); import checkpoints as c; c." + function + "('" +
                          dir.string() + "')\"";
  if (std::system(cmd.c_str()) != 0) ADD_FAILURE() << "generator failed: " << cmd;
  return dir;
}

}  // namespace seqscope::testing
