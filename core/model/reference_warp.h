#pragma once
// The reference warp head (DitConfig::reference_warp). The pointer head (reference_copy.h)
// copies whole reference patches, so it can only paste a subject at the scale and patch
// alignment it has in the reference; the evaluation's subjects move and shrink to 17-31 px.
// This head instead predicts, for every target token and every reference slot, where that
// token's centre lies in the reference image and how large one target pixel is there
// (u, v, log s), and samples the token's p x p pixels bilinearly from the reference image at
// those points. A per-token softmax gate over (final_layer's x0, one warp per present
// reference) mixes them. So a rescaled, moved subject is one affine lookup per token.
// Init: offsets 0 and log s = 0 (an in-place copy at the same scale), gate 95 % final_layer,
// so adding the head to a trained model keeps its behaviour. The lookup is differentiable in
// (u, v, s); training can also supervise them with the renderer's boxes
// (train/warp_supervision.h), as FastComposer supervises attention with subject masks.
// Only for pixel-patch codecs and x0 prediction: the warped pixels are clean-image tokens.
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "model/model_config.h"
#include "model/rope.h"

namespace psr::model {

/// What the warp head predicted in the last forward, for supervision.
struct WarpTrace {
  at::Tensor offsets;  ///< [B, N, K, 3]: (u, v) minus the token's own centre, and log s, as sampled
  at::Tensor weights;  ///< [B, N, 1 + K]: the gate's mix (final_layer, then each reference)
  /// Pooling "map" only: each token's guess [B, N, K, 3] of its reference's one map
  /// (a_u, a_v, log s), reference = s · target + a in [-1, 1] units; undefined otherwise.
  at::Tensor maps;
  /// Pooling "fit" only: the per-token offsets the map was fitted to (`offsets` is what was
  /// sampled); undefined otherwise.
  at::Tensor tokenOffsets;
};

class ReferenceWarpImpl : public torch::nn::Module {
 public:
  static constexpr std::int64_t kMaxReferences = 4;

  /// `pool` (DitConfig::reference_warp_pool): Token samples each token's own lookup; Map and
  /// Fit one map per reference and image, weighted by the gate's share for that reference:
  /// Map averages the tokens' guesses of the map, Fit takes the scale from the mean of their
  /// log s and the shift that carries the weighted centroid of the token centres to that of
  /// their lookups (the least-squares shift for that scale).
  ReferenceWarpImpl(std::int64_t hidden, std::int64_t patch, WarpPool pool = WarpPool::Token);

  /// The mixed clean-image prediction [B, N, C] (C = 3·patch²). `x0` is final_layer's,
  /// `hidden` [B, N, hidden] the target tokens' last hidden states on `grid`, `images` one
  /// [B or 1, 3, H, W] clean reference image per slot (pixel space, [-1, 1]), `present` [B, K]
  /// bool (undefined = all). `trace`, when given, receives the predicted offsets.
  at::Tensor mix(const at::Tensor& x0, const at::Tensor& hidden, const ImageGrid& grid,
                 const std::vector<at::Tensor>& images, const at::Tensor& present, WarpTrace* trace = nullptr);

  /// Each reference sampled at `offsets` [B, N, K, 3] (du, dv, log s): [B, N, K, 3·patch²]
  /// clean-image tokens in the patch codec's layout.
  static at::Tensor warpedCopies(const std::vector<at::Tensor>& images, const at::Tensor& offsets,
                                 const ImageGrid& grid, std::int64_t patch);

  /// [N, 2] (u, v) of each token centre of `grid` in [-1, 1] (grid_sample's coordinates).
  static at::Tensor tokenCentres(const ImageGrid& grid, const at::TensorOptions& options);

  /// Per-token offsets [B, N, K, 3] of one map per reference `maps` [B, K, 3] (a_u, a_v, log s).
  static at::Tensor offsetsOfMaps(const at::Tensor& maps, const ImageGrid& grid);

  torch::nn::Linear gate{nullptr}, warp{nullptr};

 private:
  static constexpr double kGateScale = 8.0;  ///< gate logits = kGateScale · gate(h), as the pointer head
  static constexpr double kMaxLogScale = 3.0;  ///< |log s| bound: a 20x zoom either way
  std::int64_t patch_;
  WarpPool pool_;
};
TORCH_MODULE(ReferenceWarp);

}  // namespace psr::model
