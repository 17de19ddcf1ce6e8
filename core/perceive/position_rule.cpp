#include "perceive/position_rule.h"

#include <algorithm>
#include <cmath>

namespace psr::perceive {
namespace {

double iou(const Rect& a, const Rect& b) {
  const double iw = std::max(0.0f, std::min(a[2], b[2]) - std::max(a[0], b[0]));
  const double ih = std::max(0.0f, std::min(a[3], b[3]) - std::max(a[1], b[1]));
  const double inter = iw * ih;
  const double areaA = double(std::max(0.0f, a[2] - a[0])) * std::max(0.0f, a[3] - a[1]);
  const double areaB = double(std::max(0.0f, b[2] - b[0])) * std::max(0.0f, b[3] - b[1]);
  const double uni = areaA + areaB - inter;
  return uni > 0 ? inter / uni : 0.0;
}

}  // namespace

const char* spatialRelationName(SpatialRelation r) {
  switch (r) {
    case SpatialRelation::LeftOf: return "left_of";
    case SpatialRelation::RightOf: return "right_of";
    case SpatialRelation::Above: return "above";
    case SpatialRelation::Below: return "below";
    case SpatialRelation::NextTo: return "next_to";
  }
  return "?";
}

double nearThreshold(double imageSize) { return 150.0 * imageSize / 512.0; }

double positionScore(SpatialRelation relation, const std::optional<Rect>& a, const std::optional<Rect>& b,
                     double imageSize) {
  if (!a || !b) return 0.0;
  const double dx = ((*b)[0] + (*b)[2]) / 2.0 - ((*a)[0] + (*a)[2]) / 2.0;
  const double dy = ((*b)[1] + (*b)[3]) / 2.0 - ((*a)[1] + (*a)[3]) / 2.0;
  double direction = 0.0;
  switch (relation) {
    case SpatialRelation::LeftOf: direction = dx > 0 && std::abs(dx) > std::abs(dy) ? 1.0 : 0.0; break;
    case SpatialRelation::RightOf: direction = dx < 0 && std::abs(dx) > std::abs(dy) ? 1.0 : 0.0; break;
    case SpatialRelation::Above: direction = dy > 0 ? 1.0 : 0.0; break;
    case SpatialRelation::Below: direction = dy < 0 ? 1.0 : 0.0; break;
    case SpatialRelation::NextTo: {
      const double t = nearThreshold(imageSize);
      const double far = std::max(std::abs(dx), std::abs(dy));
      direction = std::abs(dx) < t || std::abs(dy) < t ? 1.0 : t / far;
      break;
    }
  }
  if (direction == 0.0) return 0.0;
  const double overlap = iou(*a, *b);
  return direction * (overlap < 0.1 ? 1.0 : 0.1 / overlap);
}

}  // namespace psr::perceive
