#include "train_data/reference_crop.h"

#include <algorithm>
#include <cmath>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "common/error.h"

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

std::vector<world::PixelBox> detectSubjectBoxes(perceive::GroundingDetectorImpl& detector,
                                                const std::vector<at::Tensor>& modelImages, double minObjectness) {
  std::vector<world::PixelBox> boxes(modelImages.size());
  if (modelImages.empty()) return boxes;
  c10::InferenceMode guard;
  const auto device = detector.parameters().front().device();
  std::vector<at::Tensor> unit;
  for (const auto& m : modelImages) {
    if (m.dim() != 3 || m.size(0) != 3)
      throw Error("a reference to crop must be [3, H, W], got " + std::to_string(m.dim()) + " dimensions", ErrorCode::InvalidArgument);
    const auto size = detector.options.input_size();
    unit.push_back(perceive::resizeSquare(m.unsqueeze(0).to(device, at::kFloat).add(1.0).mul(0.5).clamp(0.0, 1.0), size));
  }
  const auto input = perceive::normaliseForModel(at::cat(unit));
  const auto [found, objectness] = detector.peaks(detector.forward(input), 1);
  const auto b = found.to(at::kCPU, at::kFloat).contiguous();
  const auto o = objectness.to(at::kCPU, at::kFloat).contiguous();
  for (std::size_t i = 0; i < modelImages.size(); ++i) {
    if (o[std::int64_t(i)][0].item<float>() < minObjectness) continue;
    // Model-input pixels back to the image's own.
    const double sx = double(modelImages[i].size(2)) / double(detector.options.input_size());
    const double sy = double(modelImages[i].size(1)) / double(detector.options.input_size());
    const auto box = b[std::int64_t(i)][0];
    const auto px = [&](int k, double s, std::int64_t limit) {
      return int(std::clamp(std::lround(box[k].item<double>() * s), 0L, static_cast<long>(limit)));
    };
    boxes[i] = {px(0, sx, modelImages[i].size(2)), px(1, sy, modelImages[i].size(1)), px(2, sx, modelImages[i].size(2)),
                px(3, sy, modelImages[i].size(1))};
  }
  return boxes;
}

std::vector<at::Tensor> cropToDetectedSubjects(perceive::GroundingDetectorImpl& detector,
                                               const std::vector<at::Tensor>& modelImages,
                                               std::vector<world::PixelBox>* boxes) {
  const auto found = detectSubjectBoxes(detector, modelImages);
  std::vector<at::Tensor> out;
  for (std::size_t i = 0; i < modelImages.size(); ++i) out.push_back(cropToSubject(modelImages[i], found[i]));
  if (boxes) *boxes = found;
  return out;
}

}  // namespace psr::train_data
