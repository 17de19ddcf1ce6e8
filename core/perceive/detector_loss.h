#pragma once
// Training targets and loss of the grounding detector: CenterNet focal loss on centres, L1 on
// box geometry, background cross-entropy, and the crop classifier's category, accessory and
// action losses on crops of the (jittered) ground-truth boxes.
#include <ATen/core/Tensor.h>

#include "perceive/detector.h"

namespace psr::perceive {

/// Ground truth of a batch of B images with M subjects in all, in model-input pixels.
struct DetectorTargets {
  at::Tensor boxes;        // [M,4] float x0,y0,x1,y1
  at::Tensor imageIndex;   // [M] int64
  at::Tensor category;     // [M] int64
  at::Tensor accessories;  // [M,A] float 0/1
  at::Tensor action;       // [M] int64 (0: none)
  at::Tensor background;   // [B] int64
};

/// The loss terms; `total` is what is minimised.
struct DetectorLoss {
  at::Tensor total, heat, box, category, accessory, action, background;
};

/// Loss of `out` (forward on the normalised `unitImages`) against `targets`.
DetectorLoss detectorLoss(GroundingDetectorImpl& model, const DetectorOutput& out, const at::Tensor& unitImages,
                          const DetectorTargets& targets);

}  // namespace psr::perceive
