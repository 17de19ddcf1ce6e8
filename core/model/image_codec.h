#pragma once
// Images <-> latent tokens. The built-in codec cuts pixels into patches; a FLUX VAE (16 latent
// channels, 8x down, 2x2 packing) implements the same interface later.
#include <cstdint>

#include <ATen/core/Tensor.h>

#include "model/rope.h"

namespace psr::model {

/// Latent tokens of a batch of images and the grid they lie on.
struct LatentImage {
  at::Tensor tokens;  ///< [B, h*w, channels], row-major over the grid
  ImageGrid grid;
};

/// Encodes images to the DiT's tokens and back.
class ImageCodec {
 public:
  virtual ~ImageCodec() = default;
  /// `images` [B, 3, H, W] in [-1, 1]; H and W must be multiples of pixelsPerToken().
  virtual LatentImage encode(const at::Tensor& images) const = 0;
  /// Back to [B, 3, H, W] (not clamped).
  virtual at::Tensor decode(const LatentImage& latent) const = 0;
  /// Channels of one token (the DiT's in_channels).
  virtual std::int64_t channels() const = 0;
  /// Pixels along one side of a token.
  virtual std::int64_t pixelsPerToken() const = 0;
};

/// Pixel-space patches: token = the patch's pixels in FLUX's packing order (c, ph, pw).
class PatchCodec final : public ImageCodec {
 public:
  explicit PatchCodec(std::int64_t patch);
  LatentImage encode(const at::Tensor& images) const override;
  at::Tensor decode(const LatentImage& latent) const override;
  std::int64_t channels() const override { return 3 * patch_ * patch_; }
  std::int64_t pixelsPerToken() const override { return patch_; }

 private:
  std::int64_t patch_;
};

}  // namespace psr::model
