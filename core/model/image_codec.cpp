#include "model/image_codec.h"

#include <string>

#include <ATen/ATen.h>

#include "common/error.h"

namespace psr::model {

PatchCodec::PatchCodec(std::int64_t patch) : patch_(patch) {
  if (patch <= 0) throw Error("patch size must be positive", ErrorCode::InvalidArgument);
}

LatentImage PatchCodec::encode(const at::Tensor& images) const {
  if (images.dim() != 4 || images.size(1) != 3 || images.size(2) % patch_ != 0 || images.size(3) % patch_ != 0)
    throw Error("patch codec: images must be [B, 3, H, W] with H and W multiples of " + std::to_string(patch_) +
                    ", got " + std::string(c10::str(images.sizes())),
                ErrorCode::InvalidArgument);
  const auto b = images.size(0), h = images.size(2) / patch_, w = images.size(3) / patch_;
  // b c (h ph) (w pw) -> b (h w) (c ph pw)
  const auto tokens =
      images.reshape({b, 3, h, patch_, w, patch_}).permute({0, 2, 4, 1, 3, 5}).reshape({b, h * w, channels()});
  return {tokens, {h, w}};
}

at::Tensor PatchCodec::decode(const LatentImage& latent) const {
  const auto& t = latent.tokens;
  const auto h = latent.grid.h, w = latent.grid.w;
  if (t.dim() != 3 || t.size(1) != h * w || t.size(2) != channels())
    throw Error("patch codec: tokens must be [B, " + std::to_string(h * w) + ", " + std::to_string(channels()) +
                    "], got " + std::string(c10::str(t.sizes())),
                ErrorCode::InvalidArgument);
  return t.reshape({t.size(0), h, w, 3, patch_, patch_})
      .permute({0, 3, 1, 4, 2, 5})
      .reshape({t.size(0), 3, h * patch_, w * patch_});
}

}  // namespace psr::model
