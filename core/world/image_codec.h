#pragma once
#include <filesystem>
#include <string>
#include <string_view>

#include "world/image.h"

namespace psr::world {

/// Decodes PNG, WebP or JPEG bytes into RGBA; throws Corrupt naming `what` when unreadable.
Image decodeImage(std::string_view bytes, const std::string& what);

/// Encodes an RGB or RGBA image as PNG.
std::string encodePng(const Image& image);

/// Reads an image file into RGBA; throws NotFound or Corrupt.
Image readImageFile(const std::filesystem::path& file);

/// Writes a PNG through a temporary file and a rename, so readers never see a torn file.
void writePngFile(const std::filesystem::path& file, const Image& image);

/// Resizes an RGBA image with area averaging in premultiplied alpha (no dark fringes).
Image resizeRgba(const Image& rgba, int width, int height);

/// Rotates an RGBA image by `degrees` (counter-clockwise) onto a canvas that holds all of it.
Image rotatedRgba(const Image& rgba, double degrees);

}  // namespace psr::world
