#pragma once
// The Hugging Face safetensors format, without LibTorch: an 8-byte little-endian header length
// N, N bytes of JSON describing each tensor, then one byte buffer the tensors tile exactly.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/mapped_file.h"

namespace psr::io {

/// Element types of the format, named as in the header ("F32", "BF16", ...).
enum class DType { Bool, U8, I8, U16, I16, U32, I32, U64, I64, F8_E4M3, F8_E5M2, F16, BF16, F32, F64 };

/// The header spelling of a dtype ("F32").
const char* dtypeName(DType dtype) noexcept;
/// Bytes per element.
std::size_t dtypeSize(DType dtype) noexcept;
/// Parses a header spelling; nullopt for anything the format does not define (names are case-sensitive).
std::optional<DType> parseDType(std::string_view name) noexcept;
/// Every dtype, in enum order (for tests and listings).
const std::vector<DType>& allDTypes();

/// Bytes a dense tensor of this dtype and shape occupies; throws InvalidArgument on a
/// negative dimension or when the size does not fit in size_t.
std::size_t tensorByteSize(DType dtype, const std::vector<std::int64_t>& shape);

/// One tensor's description plus its raw little-endian bytes (not owned).
struct TensorView {
  std::string name;
  DType dtype = DType::F32;
  std::vector<std::int64_t> shape;
  const std::byte* data = nullptr;
  std::size_t bytes = 0;
};

/// Headers above this size are rejected, as the reference implementation does (100 MB).
inline constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;

/// What a validated safetensors image holds: its tensors in file order (views point into the
/// bytes that were parsed) and its "__metadata__" map.
struct SafetensorsContents {
  std::vector<TensorView> tensors;
  std::map<std::string, std::string> metadata;
};

/// Validates `size` bytes at `data` as a whole safetensors file, with every check the reader
/// makes (header length against the limit and the bytes present, header JSON size and nesting,
/// dtypes, shapes, data offsets inside the buffer, exact tiling); `name` starts the messages.
/// Throws psr::Error(Corrupt) naming the problem. Nothing is allocated in proportion to what the
/// header claims, only to what the bytes hold.
SafetensorsContents parseSafetensors(const std::byte* data, std::size_t size, const std::filesystem::path& name);

/// A validated, memory-mapped safetensors file; views point into the mapping (zero-copy) and
/// stay valid as long as the reader lives (moving the reader keeps them valid).
class SafetensorsReader {
 public:
  /// Maps and validates `path`; throws psr::Error (NotFound, Io, or Corrupt naming the problem).
  explicit SafetensorsReader(const std::filesystem::path& path);

  /// All tensors in file order (ascending data offset).
  const std::vector<TensorView>& tensors() const noexcept { return tensors_; }
  /// The tensor called `name`, or null.
  const TensorView* find(std::string_view name) const;
  /// The tensor called `name`; throws NotFound.
  const TensorView& at(std::string_view name) const;
  /// The "__metadata__" string map (empty when absent).
  const std::map<std::string, std::string>& metadata() const noexcept { return metadata_; }
  /// The file this reader maps.
  const std::filesystem::path& path() const noexcept { return file_.path(); }

 private:
  MappedFile file_;
  std::vector<TensorView> tensors_;
  std::map<std::string, std::size_t, std::less<>> index_;
  std::map<std::string, std::string> metadata_;
};

/// Writes tensors contiguously in the given order, header padded with spaces to a multiple of
/// 8 bytes. Inputs are validated first (InvalidArgument); the bytes go to `path.tmp`, which is
/// fsync'ed and renamed over `path`, so `path` is never left half-written.
void writeSafetensors(const std::filesystem::path& path, const std::vector<TensorView>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace psr::io
