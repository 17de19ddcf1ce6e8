#pragma once
#include <cstdint>
#include <vector>

namespace psr::world {

/// Interleaved 8-bit pixels, row-major, no padding: RGB (3 channels) or RGBA (4, straight alpha).
/// The engine-facing image type: plain bytes, no OpenCV.
struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<std::uint8_t> pixels;

  Image() = default;
  Image(int w, int h, int c) : width(w), height(h), channels(c), pixels(std::size_t(w) * h * c, 0) {}
  bool empty() const { return width == 0 || height == 0; }
  std::uint8_t* at(int x, int y) { return pixels.data() + (std::size_t(y) * width + x) * channels; }
  const std::uint8_t* at(int x, int y) const { return pixels.data() + (std::size_t(y) * width + x) * channels; }
};

/// Pixel rectangle [x0, x1) x [y0, y1); empty when x1 <= x0 or y1 <= y0.
struct PixelBox {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool empty() const { return x1 <= x0 || y1 <= y0; }
  int width() const { return x1 - x0; }
  int height() const { return y1 - y0; }
};

/// Blends a straight-alpha RGBA sprite over an RGB or RGBA canvas with its top-left corner at
/// (x, y), clipped to the canvas; `opacity` (0-255) scales the sprite's alpha.
void compositeOver(Image& canvas, const Image& sprite, int x, int y, int opacity = 255);

/// Bounding box of the pixels whose alpha is at least `threshold` (empty box when none).
PixelBox alphaBounds(const Image& rgba, int threshold = 1);

/// Copies a rectangle out of an image (the rectangle must lie inside it).
Image crop(const Image& image, const PixelBox& box);

/// Mirrors an image left to right.
Image mirrored(const Image& image);

}  // namespace psr::world
