#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace psr::world {

/// One regular file in a tar archive.
struct TarEntry {
  std::string path;
  std::uint64_t size = 0;
};

/// Streams the regular files of a gzip-compressed tar archive (npm's .tgz): POSIX ustar with
/// the name prefix field, pax extended headers (`path`, `size`) and GNU long names. Entries
/// whose data is not read are skipped. A truncated or damaged archive throws ErrorCode::Corrupt.
class TarGzReader {
 public:
  /// Opens the archive; throws NotFound when the file is missing.
  explicit TarGzReader(const std::filesystem::path& file);
  ~TarGzReader();
  TarGzReader(const TarGzReader&) = delete;
  TarGzReader& operator=(const TarGzReader&) = delete;

  /// Advances to the next regular file; false at the end-of-archive marker.
  bool next(TarEntry& entry);
  /// The current entry's bytes (call at most once per entry).
  std::string readData();

 private:
  void readExact(char* out, std::size_t n);
  void skip(std::uint64_t n);
  std::string readPadded(std::uint64_t size);
  [[noreturn]] void fail(const std::string& what) const;

  std::filesystem::path file_;
  void* gz_ = nullptr;  // gzFile, kept opaque so that zlib stays out of this header
  std::uint64_t pendingData_ = 0;
  std::uint64_t pendingPadding_ = 0;
  std::vector<char> scratch_;
};

}  // namespace psr::world
