#pragma once
// Box supervision of the reference warp head (model/reference_warp.h). The renderer knows
// where each subject is in the target and in its reference, so for every target token inside
// subject k's target box the ideal lookup is the affine map between the two boxes: the token
// centre's place in the target box, at the same place in the reference box, with the boxes'
// size ratio as scale. The loss is a Huber penalty between the head's predicted offsets and
// that map, over (token, present reference) pairs inside the box. Learning the lookup only
// through bilinear sampling gives gradients from neighbouring pixels alone; this gives every
// token its target directly (as FastComposer supervises cross-attention with subject masks).
#include <ATen/core/Tensor.h>

#include "model/reference_warp.h"
#include "model/rope.h"

namespace psr::train {

/// The ideal offsets [B, N, K, 3] (du, dv, log s) and which of them apply [B, N, K] bool, for
/// `boxes` [B, K, 8] (target box then reference box, x0 y0 x1 y1 in [0, 1]) on `grid`.
struct WarpTargets {
  at::Tensor offsets;
  at::Tensor inside;
};
WarpTargets warpTargets(const at::Tensor& boxes, const model::ImageGrid& grid);

/// Mean Huber (delta 0.1) distance between `trace.offsets` and the ideal offsets over the
/// tokens inside a present reference's target box; 0 when there are none.
at::Tensor warpSupervisionLoss(const model::WarpTrace& trace, const at::Tensor& boxes, const at::Tensor& present,
                               const model::ImageGrid& grid);

/// Cross-entropy of the warp head's gate against box membership: a token whose centre lies in
/// a present reference's target box should take that reference's warp (the lowest slot when
/// boxes overlap), every other token final_layer. The lookup loss alone left the gate at its
/// start (2-10 % on subject tokens after 1,500 steps): a rough lookup never beats final_layer's
/// blur in squared error, so the gate never opened and the lookup never mattered.
/// `sampleWeights` [B] (undefined = 1) weight each sample's mean, e.g. by its noise level: at
/// low t the noisy target already shows the subject and final_layer beats any lookup.
at::Tensor warpGateLoss(const model::WarpTrace& trace, const at::Tensor& boxes, const at::Tensor& present,
                        const model::ImageGrid& grid, const at::Tensor& sampleWeights = {});

}  // namespace psr::train
