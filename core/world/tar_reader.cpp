#include "world/tar_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "common/error.h"

namespace psr::world {
namespace {

constexpr std::size_t kBlock = 512;

std::uint64_t paddingFor(std::uint64_t size) { return (kBlock - size % kBlock) % kBlock; }

std::string fieldString(const char* field, std::size_t width) {
  return std::string(field, strnlen(field, width));
}

// Octal numbers, or GNU base-256 (high bit of the first byte set) for sizes >= 8 GiB.
std::optional<std::uint64_t> parseNumber(const char* field, std::size_t width) {
  const auto* u = reinterpret_cast<const unsigned char*>(field);
  if (u[0] & 0x80) {
    std::uint64_t value = u[0] & 0x7f;
    for (std::size_t i = 1; i < width; ++i) value = (value << 8) | u[i];
    return value;
  }
  std::uint64_t value = 0;
  std::size_t i = 0;
  while (i < width && (field[i] == ' ' || field[i] == '\0')) ++i;
  bool any = false;
  for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i, any = true) value = value * 8 + unsigned(field[i] - '0');
  for (; i < width; ++i) {
    if (field[i] != ' ' && field[i] != '\0') return std::nullopt;
  }
  if (!any) return std::nullopt;
  return value;
}

bool checksumMatches(const char* block) {
  const auto stored = parseNumber(block + 148, 8);
  if (!stored) return false;
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < kBlock; ++i) {
    sum += (i >= 148 && i < 156) ? unsigned(' ') : unsigned(static_cast<unsigned char>(block[i]));
  }
  return sum == *stored;
}

/// pax records: "<length> <key>=<value>\n", the length counting the whole record.
// `size` stays untouched (and `hasSize` false) unless the record is present.
void parsePax(const std::string& data, std::optional<std::string>& path, std::uint64_t& size, bool& hasSize) {
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::size_t space = data.find(' ', pos);
    if (space == std::string::npos) break;
    const std::uint64_t length = std::strtoull(data.c_str() + pos, nullptr, 10);
    if (length == 0 || pos + length > data.size()) break;
    const std::string record = data.substr(space + 1, pos + length - space - 2);
    const std::size_t eq = record.find('=');
    if (eq != std::string::npos) {
      const std::string key = record.substr(0, eq);
      if (key == "path") path = record.substr(eq + 1);
      if (key == "size") size = std::strtoull(record.c_str() + eq + 1, nullptr, 10), hasSize = true;
    }
    pos += length;
  }
}

}  // namespace

TarGzReader::TarGzReader(const std::filesystem::path& file) : file_(file), scratch_(1 << 16) {
  if (!std::filesystem::is_regular_file(file)) throw Error("archive not found: " + file.string(), ErrorCode::NotFound);
  gzFile gz = gzopen(file.c_str(), "rb");
  if (!gz) throw Error("cannot open archive " + file.string(), ErrorCode::Io);
  gzbuffer(gz, 1 << 18);
  gz_ = gz;
  // zlib passes non-gzip input through unchanged; an npm tarball is always gzip.
  if (gzdirect(gz)) fail("not a gzip file");
}

TarGzReader::~TarGzReader() {
  if (gz_) gzclose(static_cast<gzFile>(gz_));
}

void TarGzReader::fail(const std::string& what) const {
  throw Error("archive " + file_.string() + " is damaged: " + what, ErrorCode::Corrupt);
}

void TarGzReader::readExact(char* out, std::size_t n) {
  auto* gz = static_cast<gzFile>(gz_);
  while (n > 0) {
    const unsigned chunk = unsigned(std::min<std::size_t>(n, 1u << 30));
    const int got = gzread(gz, out, chunk);
    if (got < 0) {
      int code = 0;
      fail(std::string("gzip error: ") + gzerror(gz, &code));
    }
    if (got == 0) fail("truncated (unexpected end of data)");
    out += got;
    n -= std::size_t(got);
  }
}

void TarGzReader::skip(std::uint64_t n) {
  while (n > 0) {
    const std::size_t chunk = std::size_t(std::min<std::uint64_t>(n, scratch_.size()));
    readExact(scratch_.data(), chunk);
    n -= chunk;
  }
}

std::string TarGzReader::readPadded(std::uint64_t size) {
  std::string data(std::size_t(size), '\0');
  readExact(data.data(), data.size());
  skip(paddingFor(size));
  return data;
}

bool TarGzReader::next(TarEntry& entry) {
  skip(pendingData_ + pendingPadding_);
  pendingData_ = pendingPadding_ = 0;
  std::optional<std::string> longPath;
  std::uint64_t paxSize = 0;
  bool hasPaxSize = false;
  char block[kBlock];
  for (;;) {
    readExact(block, kBlock);
    if (std::all_of(block, block + kBlock, [](char c) { return c == 0; })) return false;
    if (!checksumMatches(block)) fail("bad tar header checksum");
    const auto size = parseNumber(block + 124, 12);
    if (!size) fail("bad size field in tar header");
    const char type = block[156];
    if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
      const std::string data = readPadded(*size);
      if (type == 'x') parsePax(data, longPath, paxSize, hasPaxSize);
      if (type == 'L') longPath = fieldString(data.data(), data.size());
      continue;
    }
    std::string path = fieldString(block, 100);
    if (std::memcmp(block + 257, "ustar", 5) == 0 && block[345] != '\0') {
      path = fieldString(block + 345, 155) + "/" + path;
    }
    if (longPath) path = *longPath;
    const std::uint64_t dataSize = hasPaxSize ? paxSize : *size;
    longPath.reset();
    hasPaxSize = false;
    if (type == '0' || type == '\0' || type == '7') {
      entry.path = path;
      entry.size = dataSize;
      pendingData_ = dataSize;
      pendingPadding_ = paddingFor(dataSize);
      return true;
    }
    // Directories, links and devices carry no data the world needs (links have size 0).
    skip(dataSize + paddingFor(dataSize));
  }
}

std::string TarGzReader::readData() {
  std::string data(std::size_t(pendingData_), '\0');
  readExact(data.data(), data.size());
  pendingData_ = 0;
  return data;
}

}  // namespace psr::world
