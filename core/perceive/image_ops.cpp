#include "perceive/image_ops.h"

#include "common/error.h"

namespace psr::perceive {

at::Tensor toUnitFloat(const at::Tensor& images) {
  if (!images.defined() || images.dim() != 4 || images.size(1) != 3) {
    throw Error("perception models take image batches [B,3,H,W]", ErrorCode::InvalidArgument);
  }
  if (images.scalar_type() == at::kByte) return images.to(at::kFloat).div_(255.0);
  return images.to(at::kFloat).clamp(0.0, 1.0);
}

at::Tensor normaliseForModel(const at::Tensor& unitImages) { return (unitImages - 0.5) / 0.25; }

at::Tensor resizeSquare(const at::Tensor& images, std::int64_t size) {
  if (images.size(2) == size && images.size(3) == size) return images;
  if (images.size(2) >= 2 * size && images.size(3) >= 2 * size) {
    return at::adaptive_avg_pool2d(images, {size, size});
  }
  return at::upsample_bilinear2d(images, {size, size}, false);
}

at::Tensor squareBoxes(const at::Tensor& boxes, double margin) {
  const auto cx = (boxes.select(1, 0) + boxes.select(1, 2)) * 0.5;
  const auto cy = (boxes.select(1, 1) + boxes.select(1, 3)) * 0.5;
  const auto side = at::maximum(boxes.select(1, 2) - boxes.select(1, 0), boxes.select(1, 3) - boxes.select(1, 1))
                        .clamp_min(1.0) * (1.0 + 2.0 * margin);
  return at::stack({cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2}, 1);
}

at::Tensor cropAndResize(const at::Tensor& images, const at::Tensor& boxes, const at::Tensor& imageIndex,
                         std::int64_t size) {
  const auto n = boxes.size(0);
  if (n == 0) return at::empty({0, images.size(1), size, size}, images.options());
  const double h = double(images.size(2)), w = double(images.size(3));
  const auto b = boxes.to(images.device(), at::kFloat);
  // Sample points at pixel centres of the output grid, mapped into the box, in grid_sample's
  // [-1, 1] coordinates (align_corners=false: -1 is the left edge of pixel 0).
  const auto t = (at::arange(size, b.options()) + 0.5) / double(size);                      // [S]
  const auto xs = b.select(1, 0).unsqueeze(1) + t.unsqueeze(0) * (b.select(1, 2) - b.select(1, 0)).unsqueeze(1);
  const auto ys = b.select(1, 1).unsqueeze(1) + t.unsqueeze(0) * (b.select(1, 3) - b.select(1, 1)).unsqueeze(1);
  const auto gx = (xs / w * 2.0 - 1.0).unsqueeze(1).expand({n, size, size});
  const auto gy = (ys / h * 2.0 - 1.0).unsqueeze(2).expand({n, size, size});
  const auto grid = at::stack({gx, gy}, 3);
  const auto source = images.index_select(0, imageIndex.to(images.device(), at::kLong));
  return at::grid_sampler(source, grid, /*bilinear*/ 0, /*zeros*/ 0, false);
}

at::Tensor subjectCrops(const at::Tensor& unitImages, const at::Tensor& boxes, const at::Tensor& imageIndex,
                        std::int64_t size, double margin) {
  const auto square = squareBoxes(boxes.to(unitImages.device(), at::kFloat), margin);
  // Outside the image the crop is mid grey (0 after normalisation), not black.
  return normaliseForModel(cropAndResize(unitImages - 0.5, square, imageIndex, size) + 0.5);
}

at::Tensor unitVectors(const at::Tensor& x, std::int64_t dim) {
  return x / x.norm(2, dim, true).clamp_min(1e-6);
}

at::Tensor boxIou(const at::Tensor& a, const at::Tensor& b) {
  const auto ax0 = a.select(1, 0).unsqueeze(1), ay0 = a.select(1, 1).unsqueeze(1);
  const auto ax1 = a.select(1, 2).unsqueeze(1), ay1 = a.select(1, 3).unsqueeze(1);
  const auto bx0 = b.select(1, 0).unsqueeze(0), by0 = b.select(1, 1).unsqueeze(0);
  const auto bx1 = b.select(1, 2).unsqueeze(0), by1 = b.select(1, 3).unsqueeze(0);
  const auto iw = (at::minimum(ax1, bx1) - at::maximum(ax0, bx0)).clamp_min(0.0);
  const auto ih = (at::minimum(ay1, by1) - at::maximum(ay0, by0)).clamp_min(0.0);
  const auto inter = iw * ih;
  const auto areaA = (ax1 - ax0).clamp_min(0.0) * (ay1 - ay0).clamp_min(0.0);
  const auto areaB = (bx1 - bx0).clamp_min(0.0) * (by1 - by0).clamp_min(0.0);
  return inter / (areaA + areaB - inter).clamp_min(1e-9);
}

}  // namespace psr::perceive
