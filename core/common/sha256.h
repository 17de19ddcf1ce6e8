#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace psr {

/// Incremental SHA-256 (FIPS 180-4); content addresses of the blob store.
class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t size);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  std::array<std::uint8_t, 32> digest();
  std::string hexDigest();

 private:
  void compress(const std::uint8_t* block);
  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t totalBytes_ = 0;
};

/// Lower-case hex SHA-256 of a byte string.
std::string sha256Hex(std::string_view bytes);

/// Lower-case hex SHA-256 of a file, streamed; psr::Error (NotFound) when it cannot be read.
std::string sha256OfFile(const std::filesystem::path& file);

}  // namespace psr
