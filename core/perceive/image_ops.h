#pragma once
// Batched image operations shared by the perception models: dtype/normalisation, resizing and
// box crops. Images are [B, 3, H, W]; uint8 (0-255) or float (0-1) on any device.
#include <cstdint>

#include <ATen/core/Tensor.h>

namespace psr::perceive {

/// uint8 or float [B,3,H,W] -> float in [0,1] (uint8 is divided by 255; float is clamped).
at::Tensor toUnitFloat(const at::Tensor& images);

/// Unit-range images -> the models' input normalisation ((x - 0.5) / 0.25).
at::Tensor normaliseForModel(const at::Tensor& unitImages);

/// Bilinear resize of [B,C,H,W] to size x size (area averaging when shrinking by 2x or more).
at::Tensor resizeSquare(const at::Tensor& images, std::int64_t size);

/// Boxes [N,4] (x0,y0,x1,y1 in pixels) grown to squares around their centres, `margin` of the
/// side added on each side; degenerate boxes become at least 1 px.
at::Tensor squareBoxes(const at::Tensor& boxes, double margin);

/// Crops box n of image imageIndex[n] and resizes it to size x size (bilinear, zeros outside the
/// image): images [B,C,H,W] float, boxes [N,4] pixels, imageIndex [N] int64 -> [N,C,size,size].
at::Tensor cropAndResize(const at::Tensor& images, const at::Tensor& boxes, const at::Tensor& imageIndex,
                         std::int64_t size);

/// The crops the subject models take: boxes [N,4] squared with `margin`, cut from unit-range
/// images (mid grey outside the image), resized to size x size and normalised for the model.
at::Tensor subjectCrops(const at::Tensor& unitImages, const at::Tensor& boxes, const at::Tensor& imageIndex,
                        std::int64_t size, double margin);

/// x divided by its L2 norm along `dim` (zero vectors stay near zero).
at::Tensor unitVectors(const at::Tensor& x, std::int64_t dim);

/// Intersection over union of boxes a [N,4] and b [M,4] (x0,y0,x1,y1) -> [N,M].
at::Tensor boxIou(const at::Tensor& a, const at::Tensor& b);

}  // namespace psr::perceive
