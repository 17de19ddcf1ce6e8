#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "world/image.h"

namespace psr::world {

/// What an image may claim before any pixel memory is allocated. The defaults leave ample room
/// for everything the studio makes or imports (at most a few thousand pixels a side).
struct ImageLimits {
  int maxSide = 16384;                       ///< widest and tallest image, in pixels
  std::int64_t maxPixels = std::int64_t(1) << 26;  ///< width x height (64 Mi pixels, 256 MiB as RGBA)
  std::size_t maxFileBytes = std::size_t(256) << 20;
};

/// Format and size read from an image's header, without decoding it.
struct ImageHeader {
  const char* format = "";  ///< "png", "jpeg" or "webp"
  int width = 0;
  int height = 0;
};

/// Reads the format and dimensions from the first bytes of a PNG, JPEG or WebP file. Throws
/// Corrupt naming `what` for any other format and for a truncated or inconsistent header.
ImageHeader readImageHeader(std::string_view bytes, const std::string& what);

/// Decodes PNG, WebP or JPEG bytes into RGBA; throws Corrupt naming `what` when unreadable.
/// The header is checked against `limits` first: a file claiming more pixels, a wider side or
/// more bytes is refused before the decoder allocates anything. Other formats the codec
/// library knows (TIFF, BMP, ...) are refused, so only these three decoders see outside data.
Image decodeImage(std::string_view bytes, const std::string& what, const ImageLimits& limits = {});

/// Encodes an RGB or RGBA image as PNG.
std::string encodePng(const Image& image);

/// Reads an image file into RGBA; throws NotFound or Corrupt (also for a file larger than
/// `limits.maxFileBytes`, refused before it is read).
Image readImageFile(const std::filesystem::path& file, const ImageLimits& limits = {});

/// Writes a PNG through a temporary file and a rename, so readers never see a torn file.
void writePngFile(const std::filesystem::path& file, const Image& image);

/// Resizes an RGBA image with area averaging in premultiplied alpha (no dark fringes).
Image resizeRgba(const Image& rgba, int width, int height);

/// Rotates an RGBA image by `degrees` (counter-clockwise) onto a canvas that holds all of it.
Image rotatedRgba(const Image& rgba, double degrees);

}  // namespace psr::world
