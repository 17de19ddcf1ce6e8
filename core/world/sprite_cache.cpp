#include "world/sprite_cache.h"

#include "world/image_codec.h"

namespace psr::world {
namespace {

// Bounds memory on long synthesis runs: composed instances are up to ~300x300 RGBA.
constexpr std::size_t kMaxSources = 8192, kMaxComposed = 1024, kMaxScaled = 16384;

template <typename Map>
void limit(Map& map, std::size_t max) {
  if (map.size() >= max) map.clear();
}

}  // namespace

const Image& SpriteCache::source(const std::string& file) {
  if (auto it = sources_.find(file); it != sources_.end()) return it->second;
  limit(sources_, kMaxSources);
  Image art = readImageFile(file);
  const PixelBox visible = alphaBounds(art);
  if (!visible.empty()) art = crop(art, visible);
  return sources_.emplace(file, std::move(art)).first->second;
}

const Image& SpriteCache::composed(const std::string& key, const std::function<Image()>& build) {
  if (auto it = composed_.find(key); it != composed_.end()) return it->second;
  limit(composed_, kMaxComposed);
  Image image = build();
  return composed_.emplace(key, std::move(image)).first->second;
}

const Image& SpriteCache::scaled(const std::string& key, const Image& image, int w, int h) {
  std::string sized = key;
  sized += '@';
  sized += std::to_string(w);
  sized += 'x';
  sized += std::to_string(h);
  if (auto it = scaled_.find(sized); it != scaled_.end()) return it->second;
  limit(scaled_, kMaxScaled);
  return scaled_.emplace(std::move(sized), resizeRgba(image, w, h)).first->second;
}

}  // namespace psr::world
