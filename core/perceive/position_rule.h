#pragma once
// PSRBench's public position rule, with its 150 px "near" threshold scaled to the image size.
#include <array>
#include <optional>
#include <string>

namespace psr::perceive {

/// Spatial relations of the rule (subject 1 relative to subject 2).
enum class SpatialRelation { LeftOf, RightOf, Above, Below, NextTo };

/// "left_of", "right_of", "above", "below", "next_to".
const char* spatialRelationName(SpatialRelation relation);

/// x0, y0, x1, y1 in pixels.
using Rect = std::array<float, 4>;

/// The rule's threshold for an image whose longer side is `imageSize` px (150 at 512 px).
double nearThreshold(double imageSize);

/// Score of "subject 1 <relation> subject 2" for boxes a (subject 1) and b (subject 2) in an image
/// whose longer side is `imageSize`: dx, dy = centre(b) - centre(a); left of needs dx > 0 and
/// |dx| > |dy|, right of dx < 0 and |dx| > |dy|, above dy > 0, below dy < 0 (image y grows
/// downwards); next to scores 1 when |dx| or |dy| is below the threshold T, else T/max(|dx|,|dy|).
/// The result is then multiplied by the overlap penalty (1 when IoU < 0.1, else 0.1/IoU); a wrong
/// direction or a missing box (nullopt) scores 0.
double positionScore(SpatialRelation relation, const std::optional<Rect>& a, const std::optional<Rect>& b,
                     double imageSize);

}  // namespace psr::perceive
