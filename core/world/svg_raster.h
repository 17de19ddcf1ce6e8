#pragma once
#include <string>
#include <string_view>

#include "world/image.h"

namespace psr::world {

/// Renders SVG bytes (librsvg + cairo) into a size x size RGBA image, the drawing scaled to fit
/// and centred; throws Corrupt naming `what` when the SVG cannot be parsed.
Image rasteriseSvg(std::string_view svg, int size, const std::string& what);

}  // namespace psr::world
