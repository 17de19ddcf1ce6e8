#include "world/image.h"

#include <algorithm>
#include <cstring>

#include "common/error.h"

namespace psr::world {

void compositeOver(Image& canvas, const Image& sprite, int x, int y, int opacity) {
  if (sprite.channels != 4 || (canvas.channels != 3 && canvas.channels != 4)) {
    throw Error("compositeOver needs an RGBA sprite and an RGB or RGBA canvas", ErrorCode::InvalidArgument);
  }
  const int x0 = std::max(0, x), y0 = std::max(0, y);
  const int x1 = std::min(canvas.width, x + sprite.width), y1 = std::min(canvas.height, y + sprite.height);
  const int cc = canvas.channels;
  for (int cy = y0; cy < y1; ++cy) {
    const std::uint8_t* s = sprite.at(x0 - x, cy - y);
    std::uint8_t* d = canvas.at(x0, cy);
    for (int cx = x0; cx < x1; ++cx, s += 4, d += cc) {
      int a = s[3];
      if (opacity != 255) a = (a * opacity + 127) / 255;
      if (a == 0) continue;
      if (a == 255) {
        d[0] = s[0];
        d[1] = s[1];
        d[2] = s[2];
        if (cc == 4) d[3] = 255;
        continue;
      }
      const int inv = 255 - a;
      d[0] = std::uint8_t((s[0] * a + d[0] * inv + 127) / 255);
      d[1] = std::uint8_t((s[1] * a + d[1] * inv + 127) / 255);
      d[2] = std::uint8_t((s[2] * a + d[2] * inv + 127) / 255);
      if (cc == 4) d[3] = std::uint8_t(a + (d[3] * inv + 127) / 255);
    }
  }
}

PixelBox alphaBounds(const Image& rgba, int threshold) {
  PixelBox box{rgba.width, rgba.height, 0, 0};
  for (int y = 0; y < rgba.height; ++y) {
    const std::uint8_t* p = rgba.at(0, y);
    for (int x = 0; x < rgba.width; ++x, p += 4) {
      if (p[3] < threshold) continue;
      box.x0 = std::min(box.x0, x);
      box.y0 = std::min(box.y0, y);
      box.x1 = std::max(box.x1, x + 1);
      box.y1 = std::max(box.y1, y + 1);
    }
  }
  return box.empty() ? PixelBox{} : box;
}

Image crop(const Image& image, const PixelBox& box) {
  if (box.x0 < 0 || box.y0 < 0 || box.x1 > image.width || box.y1 > image.height || box.empty()) {
    throw Error("crop rectangle outside the image", ErrorCode::InvalidArgument);
  }
  Image out(box.width(), box.height(), image.channels);
  const std::size_t rowBytes = std::size_t(box.width()) * image.channels;
  for (int y = 0; y < out.height; ++y) std::memcpy(out.at(0, y), image.at(box.x0, box.y0 + y), rowBytes);
  return out;
}

Image mirrored(const Image& image) {
  Image out(image.width, image.height, image.channels);
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      std::memcpy(out.at(image.width - 1 - x, y), image.at(x, y), image.channels);
    }
  }
  return out;
}

}  // namespace psr::world
