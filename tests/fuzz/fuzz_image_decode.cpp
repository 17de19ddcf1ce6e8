// Image decoding (PNG, JPEG, WebP): the header reader and the size limits in front of OpenCV's
// decoders, with wrong sizes, channel counts and truncated files. The limits are lower than the
// defaults so that each input decodes in milliseconds; the checks are the same.
#include "fuzz_common.h"
#include "world/image_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = fuzzText(data, size);
  psr::world::ImageLimits limits;
  limits.maxSide = 4096;
  limits.maxPixels = 1 << 20;
  limits.maxFileBytes = 1 << 20;
  refusalOk([&] {
    const auto header = psr::world::readImageHeader(bytes, "fuzz");
    PSR_FUZZ_CHECK(header.width > 0 && header.height > 0);
  });
  refusalOk([&] {
    const auto image = psr::world::decodeImage(bytes, "fuzz", limits);
    PSR_FUZZ_CHECK(image.channels == 4);
    PSR_FUZZ_CHECK(image.width > 0 && image.height > 0);
    PSR_FUZZ_CHECK(image.width <= limits.maxSide && image.height <= limits.maxSide);
    PSR_FUZZ_CHECK(std::int64_t(image.width) * image.height <= limits.maxPixels);
    PSR_FUZZ_CHECK(image.pixels.size() == std::size_t(image.width) * image.height * 4);
  });
  return 0;
}
