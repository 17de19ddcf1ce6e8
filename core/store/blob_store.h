#pragma once
#include <filesystem>
#include <string>
#include <string_view>

namespace psr::store {

/// Content-addressed files: `root/ab/abcdef…` named by the SHA-256 of their bytes.
/// Writes go to a temporary file that is fsync'ed and renamed, so a reader never sees a torn blob.
class BlobStore {
 public:
  explicit BlobStore(std::filesystem::path root);

  /// Whether a write is flushed to disk before it returns (fsync per file) or later, for a
  /// whole batch at once, by syncFilesystem(): ~3 ms per fsync capped bulk writers at ~1000 files/s.
  enum class Durability { Immediate, Deferred };

  /// Stores the bytes (no-op when present) and returns their SHA-256 hex digest.
  std::string put(std::string_view bytes) const;
  /// Stores bytes whose digest the caller already computed. Deferred writes must be followed by
  /// syncFilesystem() before anything (a database row) refers to them. A file already in place
  /// with the right size is kept; a shorter one (torn before its sync) is rewritten.
  void putKnown(std::string_view sha256, std::string_view bytes, Durability durability) const;
  /// Flushes the file system holding the store (syncfs): makes deferred writes durable.
  void syncFilesystem() const;
  bool contains(std::string_view sha256) const;
  std::filesystem::path pathOf(std::string_view sha256) const;
  /// Reads a blob and checks its digest; throws NotFound or Corrupt.
  std::string read(std::string_view sha256) const;
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

/// True for a 64-character lower-case hex string.
bool isSha256Hex(std::string_view text);

}  // namespace psr::store
