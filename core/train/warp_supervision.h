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
/// `maps` [B, K, 3] is the same map once per reference (a_u, a_v, log s), reference = s ·
/// target + a in [-1, 1] units, taking the target box's centre to the reference box's, and
/// `valid` [B, K] says which boxes are known: the shared head's targets.
struct WarpTargets {
  at::Tensor offsets;
  at::Tensor inside;
  at::Tensor maps;
  at::Tensor valid;
};
WarpTargets warpTargets(const at::Tensor& boxes, const model::ImageGrid& grid);

/// Mean Huber (delta 0.1) distance between `trace.offsets` and the ideal offsets over the
/// tokens inside a present reference's target box; 0 when there are none (for pooling "fit",
/// the tokens' own offsets before the fit). For pooling "map" (`trace.maps` defined) every
/// token's guess of its reference's map is held to the boxes' map instead: the map is one per
/// image, so every token is asked for it, not only the subject's.
at::Tensor warpSupervisionLoss(const model::WarpTrace& trace, const at::Tensor& boxes, const at::Tensor& present,
                               const model::ImageGrid& grid);

/// Cross-entropy of the warp head's gate against box membership: a token whose centre lies in
/// a present reference's target box should take that reference's warp (the lowest slot when
/// boxes overlap), every other token final_layer. The lookup loss alone left the gate at its
/// start (2-10 % on subject tokens after 1,500 steps): a rough lookup never beats final_layer's
/// blur in squared error, so the gate never opened and the lookup never mattered.
/// `sampleWeights` [B] (undefined = 1) weight each sample's mean, e.g. by its noise level: at
/// low t the noisy target already shows the subject and final_layer beats any lookup.
/// `masks` [B, K, H, W] (undefined = use the boxes): subject k's visible pixels in the target;
/// a token belongs to k when at least half its pixels do. Boxes label a round subject's
/// corners, which are background, as subject; masks do not.
at::Tensor warpGateLoss(const model::WarpTrace& trace, const at::Tensor& boxes, const at::Tensor& present,
                        const model::ImageGrid& grid, const at::Tensor& sampleWeights = {},
                        const at::Tensor& masks = {});

/// [B, N, K] bool: the tokens of `grid` at least half covered by each subject's mask [B, K, H, W].
at::Tensor maskMembership(const at::Tensor& masks, const model::ImageGrid& grid);

}  // namespace psr::train
