#pragma once
#include <cstddef>
#include <filesystem>

namespace psr::io {

/// A whole file mapped read-only into memory (MAP_PRIVATE); unmapped when destroyed.
/// Views into data() stay valid while the MappedFile (or whatever it was moved into) lives.
class MappedFile {
 public:
  /// An empty mapping (size 0, data() null).
  MappedFile() noexcept = default;
  /// Maps `path`; throws psr::Error NotFound when it does not exist, Io for anything else.
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();

  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  /// First byte of the file; null for an empty file.
  const std::byte* data() const noexcept { return data_; }
  /// File size in bytes at the time it was mapped.
  std::size_t size() const noexcept { return size_; }
  /// The path it was opened with (for error messages).
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  void reset() noexcept;

  std::filesystem::path path_;
  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace psr::io
