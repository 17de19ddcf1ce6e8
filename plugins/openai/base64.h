#pragma once
// Standard base64 (RFC 4648 §4, with padding), for images sent as data URLs.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace psr::openai {

/// Encodes `size` bytes at `data` as padded base64.
std::string base64Encode(const std::uint8_t* data, std::size_t size);

/// Encodes a byte vector as padded base64.
inline std::string base64Encode(const std::vector<std::uint8_t>& bytes) {
  return base64Encode(bytes.data(), bytes.size());
}

/// Encodes the bytes of a string as padded base64.
inline std::string base64Encode(std::string_view bytes) {
  return base64Encode(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace psr::openai
