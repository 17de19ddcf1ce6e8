#pragma once
// Batched image corruptions (unit-range float [B,3,H,W]). They make the detector hold on
// generated images and give the aesthetic scorer its "worse" side of each pair. Randomness
// comes from LibTorch's default generator (seed it with at::manual_seed for reproducibility).
#include <ATen/core/Tensor.h>

namespace psr::perceive {

/// Gaussian blur with standard deviation `sigma` pixels (no-op for sigma < 0.1).
at::Tensor gaussianBlur(const at::Tensor& images, double sigma);

/// JPEG-like compression: 8x8 block DCT per channel, coefficients quantised with JPEG's
/// luminance table scaled by `strength` (1 ~ quality 50, larger is worse), inverse DCT.
/// Sizes that are not multiples of 8 are padded by replication and cut back.
at::Tensor blockDctCompress(const at::Tensor& images, double strength);

/// Colour banding: each channel quantised to `levels` values.
at::Tensor band(const at::Tensor& images, int levels);

/// Probability of each corruption per image in augmentForDetection.
struct AugmentOptions {
  double blur = 0.3, noise = 0.3, colour = 0.4, compress = 0.3, occlusion = 0.3;
};

/// Random blur, noise, colour shift, compression and partial occlusion of the boxes [N,4]
/// (pixels) of image imageIndex[N]; each image independently with the given probabilities.
at::Tensor augmentForDetection(const at::Tensor& images, const at::Tensor& boxes, const at::Tensor& imageIndex,
                               const AugmentOptions& options);

/// The pixel-level degradations of the aesthetic scorer's training pairs.
enum class Degradation { Blur, Noise, Banding, ColourCast, Compression, Artifacts };

/// Applies one degradation at a random strength that is clearly visible at 64 px.
at::Tensor degrade(const at::Tensor& images, Degradation kind);

}  // namespace psr::perceive
