#include "io/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "common/error.h"

namespace psr::io {
namespace {

/// Closes the descriptor on every exit path; the mapping does not need it once established.
struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
};

[[noreturn]] void fail(const std::filesystem::path& path, const char* what, int err) {
  const ErrorCode code = (err == ENOENT || err == ENOTDIR) ? ErrorCode::NotFound : ErrorCode::Io;
  throw Error(std::string("cannot ") + what + " " + path.string() + ": " + std::strerror(err), code);
}

}  // namespace

MappedFile::MappedFile(const std::filesystem::path& path) : path_(path) {
  FdGuard guard{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (guard.fd < 0) fail(path, "open", errno);
  struct stat st {};
  if (::fstat(guard.fd, &st) != 0) fail(path, "stat", errno);
  // mmap of a directory or FIFO fails with an obscure errno; say what is really wrong.
  if (!S_ISREG(st.st_mode)) throw Error("cannot map " + path.string() + ": not a regular file", ErrorCode::Io);
  size_ = std::size_t(st.st_size);
  if (size_ == 0) return;  // mmap rejects length 0; an empty file is simply an empty view
  void* addr = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, guard.fd, 0);
  if (addr == MAP_FAILED) fail(path, "map", errno);
  data_ = static_cast<const std::byte*>(addr);
}

MappedFile::~MappedFile() { reset(); }

MappedFile::MappedFile(MappedFile&& other) noexcept
    : path_(std::move(other.path_)),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    reset();
    path_ = std::move(other.path_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void MappedFile::reset() noexcept {
  if (data_ != nullptr) ::munmap(const_cast<std::byte*>(data_), size_);
  data_ = nullptr;
  size_ = 0;
}

}  // namespace psr::io
