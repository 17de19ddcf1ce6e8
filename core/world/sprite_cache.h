#pragma once
#include <functional>
#include <string>
#include <unordered_map>

#include "world/image.h"

namespace psr::world {

/// Artwork in the forms the renderer draws, each computed once: sources trimmed to their
/// visible pixels, composed instances (subject + accessories + pose) and exact-size sprites.
/// Entries are pure functions of their keys, so evicting never changes a rendering.
class SpriteCache {
 public:
  /// The artwork file, decoded and trimmed to its visible pixels.
  const Image& source(const std::string& file);
  /// A composed image, built by `build` on first use of `key`.
  const Image& composed(const std::string& key, const std::function<Image()>& build);
  /// `key`'s composed image (or source) resized to exactly w x h.
  const Image& scaled(const std::string& key, const Image& image, int w, int h);

 private:
  std::unordered_map<std::string, Image> sources_, composed_, scaled_;
};

}  // namespace psr::world
