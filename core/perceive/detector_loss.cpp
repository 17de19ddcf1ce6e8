#include "perceive/detector_loss.h"

#include <ATen/ops/binary_cross_entropy_with_logits.h>

namespace psr::perceive {

DetectorLoss detectorLoss(GroundingDetectorImpl& model, const DetectorOutput& out, const at::Tensor& unitImages,
                          const DetectorTargets& t) {
  const auto B = out.heat.size(0), H = out.heat.size(2), W = out.heat.size(3);
  const double stride = double(model.options.input_size()) / double(W);
  const auto dev = out.heat.device();
  const auto boxes = t.boxes.to(dev, at::kFloat);
  const auto cx = (boxes.select(1, 0) + boxes.select(1, 2)) / (2 * stride);
  const auto cy = (boxes.select(1, 1) + boxes.select(1, 3)) / (2 * stride);
  const auto bw = ((boxes.select(1, 2) - boxes.select(1, 0)) / stride).clamp_min(0.25);
  const auto bh = ((boxes.select(1, 3) - boxes.select(1, 1)) / stride).clamp_min(0.25);
  const auto ix = cx.floor().clamp(0, W - 1).to(at::kLong), iy = cy.floor().clamp(0, H - 1).to(at::kLong);
  const auto imageIndex = t.imageIndex.to(dev, at::kLong);
  const auto flat = imageIndex * (H * W) + iy * W + ix;

  // Heatmap target: a Gaussian per subject (sigma grows with its size), max over subjects.
  const auto gy = at::arange(H, boxes.options()).view({1, H, 1}) + 0.5;
  const auto gx = at::arange(W, boxes.options()).view({1, 1, W}) + 0.5;
  const auto sigma = ((bw + bh) / 12.0 + 0.3).view({-1, 1, 1});
  const auto centreX = (ix.to(at::kFloat) + 0.5).view({-1, 1, 1}), centreY = (iy.to(at::kFloat) + 0.5).view({-1, 1, 1});
  const auto g = at::exp(-((gx - centreX).pow(2) + (gy - centreY).pow(2)) / (2 * sigma * sigma));  // [M,H,W]
  auto target = at::zeros({B, H * W}, boxes.options());
  if (boxes.size(0) > 0) {
    target = target.index_reduce(0, imageIndex, g.view({-1, H * W}), "amax", true);
  }
  target = target.view({B, 1, H, W});
  auto isCentre = at::zeros({B * H * W}, boxes.options());
  if (boxes.size(0) > 0) isCentre.index_fill_(0, flat, 1.0);
  isCentre = isCentre.view({B, 1, H, W});

  const auto p = at::sigmoid(out.heat).clamp(1e-4, 1 - 1e-4);
  const auto posLoss = -(at::log(p) * (1 - p).pow(2) * isCentre).sum();
  const auto negLoss = -(at::log(1 - p) * p.pow(2) * (1 - target).pow(4) * (1 - isCentre)).sum();
  const auto numPos = isCentre.sum().clamp_min(1.0);

  DetectorLoss loss;
  loss.heat = (posLoss + negLoss) / numPos;
  auto atCentres = [&](const at::Tensor& map) {  // [B,C,H,W] -> [M,C]
    return map.permute({0, 2, 3, 1}).reshape({B * H * W, map.size(1)}).index_select(0, flat);
  };
  const auto zero = at::zeros({}, boxes.options());
  if (boxes.size(0) == 0) {
    loss.box = loss.category = loss.accessory = loss.action = zero;
  } else {
    const auto box = atCentres(out.box);
    const auto offX = at::sigmoid(box.select(1, 0)), offY = at::sigmoid(box.select(1, 1));
    loss.box = (offX - (cx - ix.to(at::kFloat))).abs().mean() + (offY - (cy - iy.to(at::kFloat))).abs().mean() +
               (box.select(1, 2) - at::log(bw)).abs().mean() + (box.select(1, 3) - at::log(bh)).abs().mean();
    // The classifier sees boxes as the locator returns them: each side off by up to 8 %.
    const auto wh = at::stack({bw, bh, bw, bh}, 1) * stride;
    const auto jittered = boxes + (at::rand_like(boxes) * 2 - 1) * 0.08 * wh;
    auto& cls = *model.classifier();
    const auto logits = cls.forward(unitImages, jittered, imageIndex);
    loss.category = at::cross_entropy_loss(logits.category, t.category.to(dev, at::kLong));
    loss.accessory = at::binary_cross_entropy_with_logits(logits.accessory, t.accessories.to(dev, at::kFloat));
    loss.action = at::cross_entropy_loss(logits.action, t.action.to(dev, at::kLong));
  }
  loss.background = at::cross_entropy_loss(out.background, t.background.to(dev, at::kLong));
  loss.total = loss.heat + loss.box + loss.category + 2.0 * loss.accessory + loss.action + 0.5 * loss.background;
  return loss;
}

}  // namespace psr::perceive
