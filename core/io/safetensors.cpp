#include "io/safetensors.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <limits>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/json_limits.h"

// Tensor bytes are handed out and written as they lie in memory; the format is little-endian.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors I/O assumes a little-endian host");

namespace psr::io {
namespace {

using nlohmann::json;

struct DTypeInfo {
  DType dtype;
  const char* name;
  std::size_t size;
};

constexpr std::array<DTypeInfo, 15> kDTypes{{
    {DType::Bool, "BOOL", 1},   {DType::U8, "U8", 1},           {DType::I8, "I8", 1},
    {DType::U16, "U16", 2},     {DType::I16, "I16", 2},         {DType::U32, "U32", 4},
    {DType::I32, "I32", 4},     {DType::U64, "U64", 8},         {DType::I64, "I64", 8},
    {DType::F8_E4M3, "F8_E4M3", 1}, {DType::F8_E5M2, "F8_E5M2", 1}, {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2},   {DType::F32, "F32", 4},         {DType::F64, "F64", 8},
}};

std::string shapeText(const std::vector<std::int64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

/// The byte size, or an explanation of why the shape is unusable (shared by reader and writer,
/// which report it with different error codes).
std::optional<std::size_t> byteSize(DType dtype, const std::vector<std::int64_t>& shape, std::string& why) {
  bool empty = false;
  for (std::int64_t dim : shape) {
    if (dim < 0) {
      why = "negative dimension in shape " + shapeText(shape);
      return std::nullopt;
    }
    empty = empty || dim == 0;
  }
  // A zero dimension makes the tensor empty however large the others are.
  if (empty) return std::size_t(0);
  std::size_t total = dtypeSize(dtype);
  for (std::int64_t dim : shape) {
    if (__builtin_mul_overflow(total, std::size_t(dim), &total)) {
      why = "shape " + shapeText(shape) + " overflows the addressable size";
      return std::nullopt;
    }
  }
  return total;
}

/// A JSON value for an error message: at most 120 characters of it.
std::string excerpt(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 120) text = text.substr(0, 117) + "...";
  return text;
}

[[noreturn]] void corrupt(const std::filesystem::path& path, const std::string& what) {
  throw Error(path.string() + ": corrupt safetensors file: " + what, ErrorCode::Corrupt);
}

[[noreturn]] void badInput(const std::filesystem::path& path, const std::string& what) {
  throw Error("cannot write " + path.string() + ": " + what, ErrorCode::InvalidArgument);
}

std::uint64_t readLe64(const std::byte* p) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | std::to_integer<std::uint64_t>(p[i]);
  return value;
}

/// Parses the header JSON, noting the first key repeated within one object: nlohmann keeps
/// the last value silently, and a duplicated tensor name would hide bytes.
json parseHeader(const std::filesystem::path& path, const char* begin, const char* end) {
  std::vector<std::set<std::string>> open;
  std::string duplicate;
  bool duplicateIsTensor = false;
  const json::parser_callback_t track = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      open.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      open.pop_back();
    } else if (event == json::parse_event_t::key && duplicate.empty()) {
      auto key = parsed.get<std::string>();
      if (!open.back().insert(key).second) {
        duplicate = std::move(key);
        duplicateIsTensor = open.size() == 1;
      }
    }
    return true;
  };
  try {
    checkJsonLimits(std::string_view(begin, std::size_t(end - begin)), "header", ErrorCode::Corrupt, kMaxHeaderBytes);
  } catch (const Error& e) {
    corrupt(path, e.what());
  }
  json header;
  try {
    header = json::parse(begin, end, track);
  } catch (const json::exception& e) {
    corrupt(path, std::string("header is not valid JSON (") + e.what() + ")");
  }
  if (!duplicate.empty())
    corrupt(path, std::string("duplicate ") + (duplicateIsTensor ? "tensor name" : "key") + " '" + duplicate +
                      "' in header");
  if (!header.is_object()) corrupt(path, "header JSON is not an object");
  return header;
}

std::uint64_t unsignedField(const std::filesystem::path& path, const std::string& tensor, const char* field,
                            const json& value) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number_integer()) corrupt(path, "tensor '" + tensor + "': negative value in " + field);
  corrupt(path, "tensor '" + tensor + "': " + field + " must hold non-negative integers, got " + excerpt(value));
}

TensorView parseTensor(const std::filesystem::path& path, const std::string& name, const json& info,
                       const std::byte* buffer, std::size_t bufferSize) {
  if (!info.is_object()) corrupt(path, "tensor '" + name + "': entry is not an object");
  TensorView view;
  view.name = name;

  const auto dtypeIt = info.find("dtype");
  if (dtypeIt == info.end() || !dtypeIt->is_string()) corrupt(path, "tensor '" + name + "': missing dtype");
  const auto dtype = parseDType(dtypeIt->get_ref<const std::string&>());
  if (!dtype) corrupt(path, "tensor '" + name + "': unknown dtype '" + dtypeIt->get<std::string>() + "'");
  view.dtype = *dtype;

  const auto shapeIt = info.find("shape");
  if (shapeIt == info.end() || !shapeIt->is_array()) corrupt(path, "tensor '" + name + "': missing shape array");
  for (const json& dim : *shapeIt) {
    const std::uint64_t value = unsignedField(path, name, "shape", dim);
    if (value > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
      corrupt(path, "tensor '" + name + "': shape dimension " + std::to_string(value) + " overflows");
    view.shape.push_back(std::int64_t(value));
  }
  std::string why;
  const auto expected = byteSize(view.dtype, view.shape, why);
  if (!expected) corrupt(path, "tensor '" + name + "': " + why);

  const auto offsetsIt = info.find("data_offsets");
  if (offsetsIt == info.end() || !offsetsIt->is_array() || offsetsIt->size() != 2)
    corrupt(path, "tensor '" + name + "': data_offsets must be [begin, end]");
  const std::uint64_t begin = unsignedField(path, name, "data_offsets", (*offsetsIt)[0]);
  const std::uint64_t end = unsignedField(path, name, "data_offsets", (*offsetsIt)[1]);
  if (begin > end)
    corrupt(path, "tensor '" + name + "': data_offsets begin " + std::to_string(begin) + " is after end " +
                      std::to_string(end));
  if (end > bufferSize)
    corrupt(path, "truncated: tensor '" + name + "' ends at byte " + std::to_string(end) +
                      " of the data buffer, which holds only " + std::to_string(bufferSize) + " bytes");
  if (end - begin != *expected)
    corrupt(path, "inconsistent: tensor '" + name + "' spans " + std::to_string(end - begin) +
                      " bytes but " + dtypeName(view.dtype) + " " + shapeText(view.shape) + " needs " +
                      std::to_string(*expected));
  view.data = buffer + begin;
  view.bytes = std::size_t(end - begin);
  return view;
}

/// The reference implementation requires the tensors to tile the buffer exactly: sorted by
/// offset, each starts where the previous ended and the last ends at the end of the file.
void checkTiling(const std::filesystem::path& path, const std::vector<TensorView>& tensors,
                 const std::byte* buffer, std::size_t bufferSize) {
  std::size_t pos = 0;
  const TensorView* previous = nullptr;
  for (const TensorView& t : tensors) {
    const auto begin = std::size_t(t.data - buffer);
    if (begin < pos)
      corrupt(path, "tensors '" + previous->name + "' and '" + t.name + "' overlap in the data buffer");
    if (begin > pos)
      corrupt(path, "gap: bytes " + std::to_string(pos) + ".." + std::to_string(begin) +
                        " of the data buffer belong to no tensor");
    pos = begin + t.bytes;
    previous = &t;
  }
  if (pos != bufferSize)
    corrupt(path, "unused bytes: tensors cover " + std::to_string(pos) + " of the " + std::to_string(bufferSize) +
                      " bytes in the data buffer");
}

/// An output file under a temporary name that disappears unless commit() renames it into place.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target) : target_(std::move(target)), temp_(target_.string() + ".tmp") {
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) fail("create", temp_, errno);
  }
  ~AtomicFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(temp_.c_str());
  }
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, std::size_t size) {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
      const ssize_t n = ::write(fd_, p, size);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail("write", temp_, errno);
      p += n;
      size -= std::size_t(n);
    }
  }

  void commit() {
    if (::fsync(fd_) != 0) fail("flush", temp_, errno);
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) fail("close", temp_, errno);
    if (::rename(temp_.c_str(), target_.c_str()) != 0) fail("rename into", target_, errno);
    committed_ = true;
    // Persist the rename itself; the data is already safe, so a failure here is not fatal.
    auto dir = target_.parent_path();
    if (dir.empty()) dir = ".";
    const int dirFd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd >= 0) {
      ::fsync(dirFd);
      ::close(dirFd);
    }
  }

 private:
  [[noreturn]] static void fail(const char* what, const std::filesystem::path& path, int err) {
    throw Error(std::string("cannot ") + what + " " + path.string() + ": " + std::strerror(err), ErrorCode::Io);
  }

  std::filesystem::path target_;
  std::filesystem::path temp_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace

const char* dtypeName(DType dtype) noexcept {
  for (const auto& info : kDTypes)
    if (info.dtype == dtype) return info.name;
  return "?";
}

std::size_t dtypeSize(DType dtype) noexcept {
  for (const auto& info : kDTypes)
    if (info.dtype == dtype) return info.size;
  return 0;
}

std::optional<DType> parseDType(std::string_view name) noexcept {
  for (const auto& info : kDTypes)
    if (name == info.name) return info.dtype;
  return std::nullopt;
}

const std::vector<DType>& allDTypes() {
  static const std::vector<DType> all = [] {
    std::vector<DType> list;
    for (const auto& info : kDTypes) list.push_back(info.dtype);
    return list;
  }();
  return all;
}

std::size_t tensorByteSize(DType dtype, const std::vector<std::int64_t>& shape) {
  std::string why;
  const auto size = byteSize(dtype, shape, why);
  if (!size) throw Error(why, ErrorCode::InvalidArgument);
  return *size;
}

SafetensorsContents parseSafetensors(const std::byte* data, std::size_t size, const std::filesystem::path& path) {
  if (size < 8)
    corrupt(path, "file is too short (" + std::to_string(size) + " bytes) to hold the 8-byte header length");
  const std::uint64_t headerSize = readLe64(data);
  if (headerSize > kMaxHeaderBytes)
    corrupt(path, "oversized header: header length " + std::to_string(headerSize) + " exceeds the limit of " +
                      std::to_string(kMaxHeaderBytes) + " bytes");
  if (headerSize > size - 8)
    corrupt(path, "oversized header: header length " + std::to_string(headerSize) + " exceeds the " +
                      std::to_string(size - 8) + " bytes that follow it (truncated file?)");

  const char* headerBegin = reinterpret_cast<const char*>(data + 8);
  const json header = parseHeader(path, headerBegin, headerBegin + headerSize);
  const std::byte* buffer = data + 8 + headerSize;
  const std::size_t bufferSize = size - 8 - std::size_t(headerSize);

  SafetensorsContents out;
  for (const auto& [key, value] : header.items()) {
    if (key == "__metadata__") {
      if (value.is_null()) continue;
      if (!value.is_object()) corrupt(path, "__metadata__ is not an object");
      for (const auto& [metaKey, metaValue] : value.items()) {
        if (!metaValue.is_string())
          corrupt(path, "metadata value for '" + metaKey + "' is not a string (" + excerpt(metaValue) + ")");
        out.metadata.emplace(metaKey, metaValue.get<std::string>());
      }
      continue;
    }
    out.tensors.push_back(parseTensor(path, key, value, buffer, bufferSize));
  }
  // File order; equal starts (zero-size tensors) put the empty one first so tiling works out.
  std::sort(out.tensors.begin(), out.tensors.end(), [](const TensorView& a, const TensorView& b) {
    return std::pair(a.data, a.bytes) < std::pair(b.data, b.bytes);
  });
  checkTiling(path, out.tensors, buffer, bufferSize);
  return out;
}

SafetensorsReader::SafetensorsReader(const std::filesystem::path& path) : file_(path) {
  auto contents = parseSafetensors(file_.data(), file_.size(), path);
  tensors_ = std::move(contents.tensors);
  metadata_ = std::move(contents.metadata);
  for (std::size_t i = 0; i < tensors_.size(); ++i) index_.emplace(tensors_[i].name, i);
}

const TensorView* SafetensorsReader::find(std::string_view name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

const TensorView& SafetensorsReader::at(std::string_view name) const {
  if (const TensorView* view = find(name)) return *view;
  throw Error(path().string() + ": no tensor named '" + std::string(name) + "'", ErrorCode::NotFound);
}

void writeSafetensors(const std::filesystem::path& path, const std::vector<TensorView>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  // Everything is checked before the file is opened, so bad input never touches the disk.
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::set<std::string_view> names;
  std::uint64_t offset = 0;
  for (const TensorView& t : tensors) {
    if (t.name.empty()) badInput(path, "a tensor has an empty name");
    if (t.name == "__metadata__") badInput(path, "'__metadata__' is reserved and cannot name a tensor");
    if (!names.insert(t.name).second) badInput(path, "duplicate tensor name '" + t.name + "'");
    if (parseDType(dtypeName(t.dtype)) != t.dtype) badInput(path, "tensor '" + t.name + "' has an invalid dtype");
    std::string why;
    const auto expected = byteSize(t.dtype, t.shape, why);
    if (!expected) badInput(path, "tensor '" + t.name + "': " + why);
    if (t.bytes != *expected)
      badInput(path, "inconsistent: tensor '" + t.name + "' has " + std::to_string(t.bytes) + " bytes but " +
                         dtypeName(t.dtype) + " " + shapeText(t.shape) + " needs " + std::to_string(*expected));
    if (t.bytes > 0 && t.data == nullptr) badInput(path, "tensor '" + t.name + "' has no data");
    nlohmann::ordered_json info = nlohmann::ordered_json::object();
    info["dtype"] = dtypeName(t.dtype);
    info["shape"] = t.shape;
    info["data_offsets"] = nlohmann::ordered_json::array({offset, offset + t.bytes});
    header[t.name] = std::move(info);
    offset += t.bytes;
  }
  std::string text;
  try {
    text = header.dump();
  } catch (const nlohmann::json::exception&) {
    badInput(path, "tensor names and metadata must be valid UTF-8");
  }
  // Padding keeps the buffer 8-byte aligned in the file, as the reference writer does.
  text.append((8 - text.size() % 8) % 8, ' ');
  if (text.size() > kMaxHeaderBytes) badInput(path, "oversized header (" + std::to_string(text.size()) + " bytes)");

  std::array<unsigned char, 8> length{};
  for (std::size_t i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(std::uint64_t(text.size()) >> (8 * i));
  AtomicFile out(path);
  out.write(length.data(), length.size());
  out.write(text.data(), text.size());
  for (const TensorView& t : tensors) out.write(t.data, t.bytes);
  out.commit();
}

}  // namespace psr::io
