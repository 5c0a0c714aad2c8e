// Atomic file writes, used by every writer in the project (.npy, PNG, GIF, session JSON): bytes go
// to a temporary file in the target's directory, which is fsync'ed and then renamed over the
// target. A reader never sees a half-written file, and a crash or a failed write leaves any old
// file intact. Errors throw UserError with one line naming the target path.
#pragma once
#include <cstddef>
#include <filesystem>
#include <string_view>

namespace seqscope::compute {

class AtomicFile {
 public:
  // Creates the temporary file next to `target`; throws UserError if the directory is not writable.
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();  // removes the temporary file unless commit() succeeded
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, size_t size);
  void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
  // fsync, close, rename over the target, fsync the directory. New files get mode 0644; an
  // existing target keeps its mode.
  void commit();

  const std::filesystem::path& target() const { return target_; }

 private:
  [[noreturn]] void fail(const char* what, int error);
  void discard();

  std::filesystem::path target_;
  std::filesystem::path temp_;
  int fd_ = -1;
  bool committed_ = false;
};

// The whole file in one call.
void write_file_atomic(const std::filesystem::path& target, std::string_view bytes);

}  // namespace seqscope::compute
