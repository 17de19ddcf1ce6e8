#include "train/warp_supervision.h"

#include <string>

#include <ATen/ATen.h>

#include "common/error.h"

namespace psr::train {

WarpTargets warpTargets(const at::Tensor& boxes, const model::ImageGrid& grid) {
  if (boxes.dim() != 3 || boxes.size(2) != 8)
    throw Error("warp supervision: boxes must be [B, K, 8], got " + std::string(c10::str(boxes.sizes())),
                ErrorCode::InvalidArgument);
  const auto options = boxes.options().dtype(at::kFloat);
  const auto b = boxes.to(at::kFloat);
  const auto centres = model::ReferenceWarpImpl::tokenCentres(grid, options);  // [N, 2] in [-1, 1]
  const auto cx = ((centres.select(1, 0) + 1) * 0.5).view({1, -1, 1});         // [1, N, 1] in [0, 1]
  const auto cy = ((centres.select(1, 1) + 1) * 0.5).view({1, -1, 1});
  const auto box = [&](int i) { return b.select(2, i).unsqueeze(1); };  // [B, 1, K]
  const auto tx0 = box(0), ty0 = box(1), tx1 = box(2), ty1 = box(3);
  const auto rx0 = box(4), ry0 = box(5), rx1 = box(6), ry1 = box(7);
  const auto tw = tx1 - tx0, th = ty1 - ty0, rw = rx1 - rx0, rh = ry1 - ry0;
  const auto valid = tw.gt(0) & th.gt(0) & rw.gt(0) & rh.gt(0);
  const auto inside = valid & cx.ge(tx0) & cx.lt(tx1) & cy.ge(ty0) & cy.lt(ty1);  // [B, N, K]
  const auto sx = rw / tw.clamp_min(1e-6), sy = rh / th.clamp_min(1e-6);
  // Same relative place in the reference box, in grid_sample's [-1, 1] units, minus the centre.
  const auto u = (rx0 + (cx - tx0) * sx) * 2 - 1, v = (ry0 + (cy - ty0) * sy) * 2 - 1;
  const auto du = u - (cx * 2 - 1), dv = v - (cy * 2 - 1);
  // One isotropic scale: the geometric mean of the two axes' ratios.
  const auto logs = (sx.clamp_min(1e-6).log() + sy.clamp_min(1e-6).log()) * 0.5;
  auto offsets = at::stack({du, dv, logs.expand_as(du)}, 3);
  // The one map: box centre to box centre at scale s, in [-1, 1] units.
  const auto s = logs.squeeze(1).exp();  // [B, K]
  const auto centre = [](const at::Tensor& lo, const at::Tensor& hi) { return (lo + hi).squeeze(1) - 1; };
  const auto au = centre(rx0, rx1) - s * centre(tx0, tx1), av = centre(ry0, ry1) - s * centre(ty0, ty1);
  const auto validK = valid.squeeze(1);
  auto maps = at::stack({au, av, logs.squeeze(1)}, 2);  // [B, K, 3]
  maps = at::where(validK.unsqueeze(2), maps, at::zeros_like(maps));
  return {at::where(inside.unsqueeze(3), offsets, at::zeros_like(offsets)), inside, maps, validK};
}

at::Tensor warpSupervisionLoss(const model::WarpTrace& trace, const at::Tensor& boxes, const at::Tensor& present,
                               const model::ImageGrid& grid) {
  const auto& predicted = trace.tokenOffsets.defined() ? trace.tokenOffsets : trace.offsets;
  if (!predicted.defined() || predicted.dim() != 4 || predicted.size(3) != 3)
    throw Error("warp supervision: no warp head prediction to supervise", ErrorCode::InvalidArgument);
  if (boxes.size(0) != predicted.size(0) || boxes.size(1) != predicted.size(2) || predicted.size(1) != grid.tokens())
    throw Error("warp supervision: boxes " + std::string(c10::str(boxes.sizes())) + " do not match the predictions " +
                    std::string(c10::str(predicted.sizes())),
                ErrorCode::InvalidArgument);
  const auto targets = warpTargets(boxes.to(predicted.device()), grid);
  if (trace.maps.defined()) {
    auto valid = targets.valid;
    if (present.defined()) valid = valid & present.to(valid.device());
    const auto weight = valid.view({valid.size(0), 1, valid.size(1), 1}).to(predicted.scalar_type());
    const auto count = weight.sum() * double(3 * trace.maps.size(1));
    const auto wanted = targets.maps.unsqueeze(1).to(predicted.scalar_type()).expand_as(trace.maps);
    const auto huber = at::huber_loss(trace.maps, wanted, at::Reduction::None, 0.1);
    return (huber * weight).sum() / count.clamp_min(1.0);
  }
  auto inside = targets.inside;
  if (present.defined()) inside = inside & present.to(inside.device()).unsqueeze(1);
  const auto weight = inside.unsqueeze(3).to(predicted.scalar_type());
  const auto count = weight.sum() * 3;
  const auto huber = at::huber_loss(predicted, targets.offsets.to(predicted.scalar_type()), at::Reduction::None, 0.1);
  return (huber * weight).sum() / count.clamp_min(1.0);
}

at::Tensor maskMembership(const at::Tensor& masks, const model::ImageGrid& grid) {
  if (masks.dim() != 4)
    throw Error("warp gate supervision: masks must be [B, K, H, W], got " + std::string(c10::str(masks.sizes())),
                ErrorCode::InvalidArgument);
  const auto cover = at::adaptive_avg_pool2d(masks.to(at::kFloat), {grid.h, grid.w});  // [B, K, h, w]
  return cover.flatten(2).transpose(1, 2).ge(0.5);
}

at::Tensor warpGateLoss(const model::WarpTrace& trace, const at::Tensor& boxes, const at::Tensor& present,
                        const model::ImageGrid& grid, const at::Tensor& sampleWeights, const at::Tensor& masks) {
  const auto& w = trace.weights;  // [B, N, 1 + K]
  if (!w.defined() || w.dim() != 3 || boxes.size(0) != w.size(0) || boxes.size(1) + 1 != w.size(2))
    throw Error("warp gate supervision: no gate weights matching boxes " + std::string(c10::str(boxes.sizes())),
                ErrorCode::InvalidArgument);
  if (masks.defined() && (masks.dim() != 4 || masks.size(0) != boxes.size(0) || masks.size(1) != boxes.size(1)))
    throw Error("warp gate supervision: masks " + std::string(c10::str(masks.sizes())) + " do not match boxes " +
                    std::string(c10::str(boxes.sizes())),
                ErrorCode::InvalidArgument);
  auto inside = masks.defined() ? maskMembership(masks.to(w.device()), grid)
                               : warpTargets(boxes.to(w.device()), grid).inside;  // [B, N, K]
  if (present.defined()) inside = inside & present.to(inside.device()).unsqueeze(1);
  auto labels = at::zeros({w.size(0), w.size(1)}, w.options().dtype(at::kLong));
  for (auto k = inside.size(2) - 1; k >= 0; --k) labels.masked_fill_(inside.select(2, k), k + 1);
  const auto logW = w.clamp_min(1e-12).log();
  if (!sampleWeights.defined()) return at::nll_loss(logW.reshape({-1, w.size(2)}), labels.reshape({-1}));
  const auto perToken = -logW.gather(2, labels.unsqueeze(2)).squeeze(2);  // [B, N]
  return (perToken.mean(1) * sampleWeights.to(perToken.options())).mean();
}

}  // namespace psr::train
