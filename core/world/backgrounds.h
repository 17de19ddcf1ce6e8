#pragma once
#include <cstdint>

#include "world/image.h"
#include "world/sprite_cache.h"
#include "world/world_spec.h"

namespace psr::world {

/// Paints a background (RGB, size x size): a sky/ground gradient with an optional texture
/// (stars, grass, waves, noise, planks, checker) whose details depend on `variant`, or scene
/// artwork scaled to cover the canvas over its own mean colour.
Image paintBackground(const BackgroundSpec& spec, int size, std::uint64_t variant, SpriteCache& sprites);

}  // namespace psr::world
