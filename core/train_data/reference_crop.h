#pragma once
// References cropped to their subject. The world renders a reference as the subject alone in
// another context: somewhere in the other half of the canvas, at the other size. A crop makes
// the reference frame the subject itself, so a target patch relates to the reference by its
// place inside the target's subject box (one scale and offset per subject) rather than by an
// arbitrary offset, and every reference token describes the subject, not the background.
// This is what the Compose panel's optional crop and a detector's box give a user's images.
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

#include "perceive/detector.h"
#include "world/image.h"

namespace psr::train_data {

/// `image` [3, S, S] (any range) cut to a square around `box` (pixels), enlarged by `margin`
/// of the box's longer side on each side, shifted to lie inside the image, and resized
/// (bilinear, `perceive::cropAndResize`) back to S x S. An empty box returns the image unchanged.
at::Tensor cropToSubject(const at::Tensor& image, const world::PixelBox& box, double margin = 0.1);

/// The square (x0, y0, x1, y1 in pixels) that cropToSubject cuts from an h x w image.
struct CropSquare {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};
CropSquare cropSquare(const world::PixelBox& box, std::int64_t h, std::int64_t w, double margin = 0.1);

/// The detector's strongest subject box in each model image [3, S, S] (range [-1, 1]), in that
/// image's pixels: the locator's top centre, whatever its category, since a reference shows
/// one subject. An empty box where no centre reaches `minObjectness`.
std::vector<world::PixelBox> detectSubjectBoxes(perceive::GroundingDetectorImpl& detector,
                                                const std::vector<at::Tensor>& modelImages,
                                                double minObjectness = 0.05);

/// Each model image cut to its detected subject (cropToSubject with detectSubjectBoxes' box):
/// what generation gives a model trained with `reference_crop`. An image whose subject the
/// detector does not find stays whole. `boxes`, when given, receives the boxes used.
std::vector<at::Tensor> cropToDetectedSubjects(perceive::GroundingDetectorImpl& detector,
                                               const std::vector<at::Tensor>& modelImages,
                                               std::vector<world::PixelBox>* boxes = nullptr);

}  // namespace psr::train_data
