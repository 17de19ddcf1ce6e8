#include "world/backgrounds.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "world/rng.h"

namespace psr::world {
namespace {

std::uint8_t lerp(std::uint8_t a, std::uint8_t b, double t) { return std::uint8_t(std::lround(a + (b - a) * t)); }

std::uint8_t clampByte(int v) { return std::uint8_t(std::clamp(v, 0, 255)); }

void shade(Image& img, int x, int y, int delta) {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  std::uint8_t* p = img.at(x, y);
  for (int c = 0; c < 3; ++c) p[c] = clampByte(p[c] + delta);
}

void gradient(Image& img, const BackgroundSpec& s, int groundRow) {
  const int n = img.width;
  for (int y = 0; y < img.height; ++y) {
    Rgb c;
    if (y < groundRow) {
      const double t = groundRow > 1 ? double(y) / (groundRow - 1) : 0.0;
      for (int k = 0; k < 3; ++k) c[k] = lerp(s.top[k], s.bottom[k], t);
    } else {
      const int rows = img.height - groundRow;
      const double t = rows > 1 ? double(y - groundRow) / (rows - 1) : 0.0;
      for (int k = 0; k < 3; ++k) c[k] = lerp(s.groundTop[k], s.groundBottom[k], t);
    }
    std::uint8_t* p = img.at(0, y);
    for (int x = 0; x < n; ++x, p += 3) p[0] = c[0], p[1] = c[1], p[2] = c[2];
  }
}

void texture(Image& img, const BackgroundSpec& s, int groundRow, Rng& rng) {
  const int n = img.width;
  const int cell = std::max(2, n / 8);
  if (s.texture == "stars") {
    for (int i = 0; i < n * n / 120; ++i) shade(img, int(rng.below(n)), int(rng.below(n)), 120 + int(rng.below(100)));
  } else if (s.texture == "grass") {
    for (int x = 0; x < n; ++x) {
      const int blade = int(rng.below(std::size_t(std::max(1, n / 10)))) + 1;
      for (int y = groundRow; y < std::min(n, groundRow + blade); ++y) shade(img, x, y, -25);
      for (int y = groundRow + blade; y < n; ++y) shade(img, x, y, int(rng.below(21)) - 10);
    }
  } else if (s.texture == "waves") {
    for (int y = groundRow + cell / 2; y < n; y += cell / 2 + 1) {
      const double phase = rng.uniform(0, 6.283);
      for (int x = 0; x < n; ++x) shade(img, x, y + int(std::lround(std::sin(x * 0.4 + phase))), 45);
    }
  } else if (s.texture == "noise") {
    for (int y = groundRow; y < n; ++y) {
      for (int x = 0; x < n; ++x) shade(img, x, y, int(rng.below(17)) - 8);
    }
  } else if (s.texture == "planks") {
    for (int y = groundRow; y < n; ++y) {
      const bool seam = (y - groundRow) % cell == 0;
      const int tint = int(((y - groundRow) / cell * 37) % 21) - 10;
      for (int x = 0; x < n; ++x) shade(img, x, y, seam ? -45 : tint);
    }
  } else if (s.texture == "checker") {
    for (int y = groundRow; y < n; ++y) {
      for (int x = 0; x < n; ++x) shade(img, x, y, ((x / cell + (y - groundRow) / cell) % 2) ? 30 : -20);
    }
  } else if (!s.texture.empty()) {
    throw Error("background '" + s.name + "' has unknown texture '" + s.texture + "'", ErrorCode::Corrupt);
  }
}

Image artwork(const BackgroundSpec& s, int size, SpriteCache& sprites) {
  const Image& art = sprites.source(s.asset);
  long long sum[3] = {0, 0, 0}, count = 0;
  for (int y = 0; y < art.height; ++y) {
    const std::uint8_t* p = art.at(0, y);
    for (int x = 0; x < art.width; ++x, p += 4) {
      if (p[3] < 128) continue;
      sum[0] += p[0], sum[1] += p[1], sum[2] += p[2], ++count;
    }
  }
  Image img(size, size, 3);
  for (int c = 0; c < 3; ++c) {
    const auto mean = std::uint8_t(count ? sum[c] / count : 128);
    for (std::size_t i = std::size_t(c); i < img.pixels.size(); i += 3) img.pixels[i] = mean;
  }
  const double scale = double(size) / std::min(art.width, art.height);
  const int w = std::max(size, int(std::lround(art.width * scale)));
  const int h = std::max(size, int(std::lround(art.height * scale)));
  compositeOver(img, sprites.scaled(s.asset, art, w, h), (size - w) / 2, (size - h) / 2);
  return img;
}

}  // namespace

Image paintBackground(const BackgroundSpec& spec, int size, std::uint64_t variant, SpriteCache& sprites) {
  if (spec.kind == "artwork") return artwork(spec, size, sprites);
  Image img(size, size, 3);
  const int groundRow = std::clamp(int(std::lround(spec.horizon * size)), 0, size);
  gradient(img, spec, groundRow);
  Rng rng(variant ^ stableHash(spec.name));
  texture(img, spec, groundRow, rng);
  return img;
}

}  // namespace psr::world
