// The safetensors reader on arbitrary bytes: header length, header JSON (duplicates, nesting,
// types), dtypes, shapes (overflow), data offsets (out of range, reversed, overlapping, gaps).
#include <cstring>
#include <set>

#include "fuzz_common.h"
#include "io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto* bytes = reinterpret_cast<const std::byte*>(data);
  refusalOk([&] {
    const auto contents = psr::io::parseSafetensors(bytes, size, "fuzz.safetensors");
    // Whatever was accepted lies inside the input, tiles its data buffer and matches its shape.
    std::set<std::string> names;
    std::size_t total = 0;
    unsigned sum = 0;
    for (const auto& t : contents.tensors) {
      PSR_FUZZ_CHECK(names.insert(t.name).second);
      PSR_FUZZ_CHECK(t.bytes == psr::io::tensorByteSize(t.dtype, t.shape));
      if (t.bytes > 0) {
        PSR_FUZZ_CHECK(t.data >= bytes && t.data + t.bytes <= bytes + size);
        // Touch the first and last byte: an out-of-range view shows up under ASan.
        sum += unsigned(std::to_integer<unsigned char>(t.data[0])) +
               unsigned(std::to_integer<unsigned char>(t.data[t.bytes - 1]));
      }
      total += t.bytes;
      PSR_FUZZ_CHECK(psr::io::parseDType(psr::io::dtypeName(t.dtype)) == t.dtype);
    }
    PSR_FUZZ_CHECK(total <= size);
    (void)sum;
  });
  return 0;
}
