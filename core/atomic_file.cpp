// AtomicFile (atomic_file.h): temp file via mkstemp in the target's directory, write, fsync,
// rename(2), fsync of the directory so that the rename itself survives a crash.
#include "core/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "core/types.h"

namespace seqscope::compute {
namespace {

std::filesystem::path directory_of(const std::filesystem::path& target) {
  std::filesystem::path parent = target.parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

void sync_directory(const std::filesystem::path& directory) {
  // Best effort: some file systems refuse fsync on a directory, and the data itself is already
  // on disk, so a failure here is not worth failing the export for.
  int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)) {
  if (target_.filename().empty()) fail("the path names no file", EISDIR);
  // A hidden name in the same directory: rename(2) is atomic only within one file system.
  // (Built with append, not operator+, which trips GCC 12's false -Wrestrict at -O3.)
  std::string temp_name = ".";
  temp_name.append(target_.filename().string()).append(".tmp.XXXXXX");
  const std::string pattern = (directory_of(target_) / temp_name).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  fd_ = ::mkstemp(name.data());
  if (fd_ < 0) fail("cannot create a file in its directory", errno);
  temp_ = name.data();
  struct stat existing {};
  const mode_t mode = ::stat(target_.c_str(), &existing) == 0 ? (existing.st_mode & 07777) : 0644;
  if (::fchmod(fd_, mode) != 0) fail("cannot set the file mode", errno);
}

AtomicFile::~AtomicFile() {
  if (!committed_) discard();
}

void AtomicFile::discard() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_.empty()) ::unlink(temp_.c_str());
  temp_.clear();
}

void AtomicFile::fail(const char* what, int error) {
  discard();
  throw UserError("cannot write '" + target_.string() + "': " + what + " (" + std::strerror(error) + ")");
}

void AtomicFile::write(const void* data, size_t size) {
  if (fd_ < 0) throw UserError("cannot write '" + target_.string() + "': the file is already closed");
  const char* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t written = ::write(fd_, bytes, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      fail("write failed", errno);
    }
    bytes += written;
    size -= static_cast<size_t>(written);
  }
}

void AtomicFile::commit() {
  if (fd_ < 0) throw UserError("cannot write '" + target_.string() + "': the file is already closed");
  if (::fsync(fd_) != 0) fail("fsync failed", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("close failed", errno);
  if (::rename(temp_.c_str(), target_.c_str()) != 0) fail("rename failed", errno);
  committed_ = true;
  temp_.clear();
  sync_directory(directory_of(target_));
}

void write_file_atomic(const std::filesystem::path& target, std::string_view bytes) {
  AtomicFile file(target);
  file.write(bytes);
  file.commit();
}

}  // namespace seqscope::compute
