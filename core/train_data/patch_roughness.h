#pragma once
// Patch roughness: the mean absolute difference between neighbouring pixels that lie inside the
// same codec patch. A pixel-patch generator that has not learned to denoise leaves grain inside
// every patch of its samples (docs/generator.md); the world's renders are flat-shaded artwork, so
// the ratio generated / oracle measures that artefact (1 = as smooth as the real renders).
// Pairs that straddle a patch border are left out: disagreeing neighbours there are a different
// defect (blockiness), and legitimate edges fall on borders as often as inside.
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

namespace psr::train_data {

/// Per image of `images` [B, 3, H, W] (any value range), over horizontal and vertical neighbour
/// pairs inside `patch` × `patch` cells, in the images' units.
std::vector<double> patchRoughness(const at::Tensor& images, std::int64_t patch);

}  // namespace psr::train_data
