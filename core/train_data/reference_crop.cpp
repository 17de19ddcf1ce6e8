#include "train_data/reference_crop.h"

#include <algorithm>

#include <ATen/ATen.h>

#include "perceive/image_ops.h"

namespace psr::train_data {

CropSquare cropSquare(const world::PixelBox& box, std::int64_t h, std::int64_t w, double margin) {
  // The perception models' square box, shifted (not padded) to lie inside the image.
  const auto square = perceive::squareBoxes(at::tensor({float(box.x0), float(box.y0), float(box.x1), float(box.y1)}).view({1, 4}), margin);
  const double side = std::min({square[0][2].item<double>() - square[0][0].item<double>(), double(h), double(w)});
  const double x0 = std::clamp(square[0][0].item<double>(), 0.0, double(w) - side);
  const double y0 = std::clamp(square[0][1].item<double>(), 0.0, double(h) - side);
  return {x0, y0, x0 + side, y0 + side};
}

at::Tensor cropToSubject(const at::Tensor& image, const world::PixelBox& box, double margin) {
  if (box.empty()) return image;
  const auto h = image.size(1), w = image.size(2);
  const auto sq = cropSquare(box, h, w, margin);
  const auto inside = at::tensor({float(sq.x0), float(sq.y0), float(sq.x1), float(sq.y1)}).view({1, 4});
  const auto crop = perceive::cropAndResize(image.unsqueeze(0).to(at::kFloat), inside, at::zeros({1}, at::kLong), h);
  return crop.squeeze(0).to(image.scalar_type());
}

}  // namespace psr::train_data
