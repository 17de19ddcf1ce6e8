#include "store/blob_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/sha256.h"

namespace psr::store {
namespace {

void writeAll(const std::filesystem::path& file, std::string_view bytes, bool sync) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot create " + file.string() + ": " + std::strerror(errno), ErrorCode::Io);
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(file.c_str());
      throw Error("cannot write " + file.string() + ": " + std::strerror(err), ErrorCode::Io);
    }
    written += std::size_t(n);
  }
  const bool synced = !sync || ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) {
    ::unlink(file.c_str());
    throw Error("cannot flush " + file.string() + " to disk", ErrorCode::Io);
  }
}

}  // namespace

bool isSha256Hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

BlobStore::BlobStore(std::filesystem::path root) : root_(std::move(root)) {}

std::filesystem::path BlobStore::pathOf(std::string_view sha256) const {
  if (!isSha256Hex(sha256)) throw Error("not a SHA-256 digest: '" + std::string(sha256) + "'", ErrorCode::InvalidArgument);
  return root_ / std::string(sha256.substr(0, 2)) / std::string(sha256);
}

bool BlobStore::contains(std::string_view sha256) const {
  std::error_code ec;
  return std::filesystem::exists(pathOf(sha256), ec);
}

std::string BlobStore::put(std::string_view bytes) const {
  const std::string digest = sha256Hex(bytes);
  putKnown(digest, bytes, Durability::Immediate);
  return digest;
}

void BlobStore::putKnown(std::string_view sha256, std::string_view bytes, Durability durability) const {
  const auto target = pathOf(sha256);
  std::error_code ec;
  const auto existing = std::filesystem::file_size(target, ec);
  if (!ec && existing == bytes.size()) return;
  std::filesystem::create_directories(target.parent_path(), ec);
  if (ec) throw Error("cannot create " + target.parent_path().string() + ": " + ec.message(), ErrorCode::Io);
  // Unique temp name per writer so concurrent puts of the same blob never share a file.
  static std::atomic<unsigned> counter{0};
  const auto temp = target.parent_path() / ("." + std::string(sha256) + ".tmp." + std::to_string(::getpid()) + "." +
                                            std::to_string(counter++));
  writeAll(temp, bytes, durability == Durability::Immediate);
  std::filesystem::rename(temp, target, ec);
  if (ec) {
    std::filesystem::remove(temp);
    throw Error("cannot move blob into place at " + target.string() + ": " + ec.message(), ErrorCode::Io);
  }
}

void BlobStore::syncFilesystem() const {
  const int fd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const bool synced = fd >= 0 && ::syncfs(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!synced) throw Error("cannot flush the blob files under " + root_.string() + " to disk", ErrorCode::Io);
}

std::string BlobStore::read(std::string_view sha256) const {
  const auto file = pathOf(sha256);
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error("blob " + std::string(sha256) + " is missing from " + root_.string(), ErrorCode::NotFound);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string bytes = buffer.str();
  if (sha256Hex(bytes) != sha256) {
    throw Error("blob " + file.string() + " does not match its SHA-256 (corrupted on disk)", ErrorCode::Corrupt);
  }
  return bytes;
}

}  // namespace psr::store
