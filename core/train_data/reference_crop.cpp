#include "train_data/reference_crop.h"

#include <algorithm>
#include <cmath>

#include <ATen/ATen.h>

namespace psr::train_data {

at::Tensor cropToSubject(const at::Tensor& image, const world::PixelBox& box, double margin) {
  if (box.empty()) return image;
  const auto h = image.size(1), w = image.size(2);
  const auto limit = std::min(h, w);
  const double longer = std::max(box.width(), box.height());
  const auto side = std::min<std::int64_t>(limit, std::max<std::int64_t>(1, std::llround(longer * (1 + 2 * margin))));
  const double cx = 0.5 * (box.x0 + box.x1), cy = 0.5 * (box.y0 + box.y1);
  const auto x0 = std::clamp<std::int64_t>(std::llround(cx - side / 2.0), 0, w - side);
  const auto y0 = std::clamp<std::int64_t>(std::llround(cy - side / 2.0), 0, h - side);
  const auto crop = image.narrow(1, y0, side).narrow(2, x0, side).unsqueeze(0).to(at::kFloat);
  return at::upsample_bilinear2d(crop, {h, w}, false).squeeze(0).to(image.scalar_type());
}

}  // namespace psr::train_data
