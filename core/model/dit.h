#pragma once
// The multimodal DiT in the FLUX.1 layout, with references as extra image tokens.
//
// Causal structure (why a reference cache is exact): reference tokens are modulated with the
// clean timestep t = 0 and no text, and each reference attends only to its own tokens. So the
// keys/values of reference k in every block depend on image k and its positions alone, never on
// the noisy target, the timestep or the prompt. Text and target tokens attend to
// [text, target, all present references]. `forward` runs this as one masked joint sequence
// (training); `encodeReferences` + `forwardCached` compute the reference keys/values once per
// generation and then run only text + target tokens per step, with the same result.
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "model/dit_blocks.h"
#include "model/model_config.h"
#include "model/reference_copy.h"
#include "model/reference_warp.h"
#include "model/rope.h"
#include "model/text_condition.h"

namespace psr::model {

/// Reference images as latent tokens, concatenated in reference order.
struct ReferenceTokens {
  at::Tensor tokens;                  ///< [B or 1, Nr, in_channels]; undefined or Nr = 0: none
  at::Tensor positions;               ///< [Nr, 3]
  std::vector<std::int64_t> lengths;  ///< tokens of each reference (sum = Nr)
  at::Tensor present;                 ///< [B, n] bool: false hides reference k from sample b; undefined = all
  std::vector<ImageGrid> grids;       ///< each reference's token grid (reference_warp reads the images)
  std::int64_t count() const { return std::int64_t(lengths.size()); }
};

/// Builds ReferenceTokens from per-reference token tensors [B or 1, h*w, C] and their grids.
ReferenceTokens makeReferenceTokens(const std::vector<at::Tensor>& tokens, const std::vector<ImageGrid>& grids,
                                    const ImageGrid& target, PositionEncoding encoding);

/// Per-block keys/values of the reference tokens, computed once per generation.
struct ReferenceCache {
  std::vector<at::Tensor> keys;       ///< per block (double, then single): [Bc, H, Nr, D], RoPE applied
  std::vector<at::Tensor> values;     ///< per block: [Bc, H, Nr, D]
  std::vector<std::int64_t> lengths;  ///< tokens of each reference
  at::Tensor copyKeys;                ///< reference_copy only: [Bc, 2, Nr, D]
  at::Tensor copyValues;              ///< reference_copy only: the raw reference tokens [Bc, Nr, C]
  std::vector<at::Tensor> warpImages;  ///< reference_warp only: each reference as a [Bc, 3, H, W] image
  bool empty() const { return lengths.empty(); }
};

/// The denoiser: predicts the flow velocity (noise − data) of the target tokens.
class DitImpl : public torch::nn::Module {
 public:
  explicit DitImpl(DitConfig config);

  /// Training path: one joint masked sequence [text, target, references]. `img` [B, N, C],
  /// `imgPositions` [N, 3], `timesteps` [B] in [0, 1] (1 = noise), `guidance` [B] only with
  /// guidance_embed. Returns the velocity [B, N, C]. `warpTrace` receives the warp head's
  /// predictions (reference_warp only; for its supervision).
  at::Tensor forward(const at::Tensor& img, const at::Tensor& imgPositions, const at::Tensor& timesteps,
                     const TextCondition& text, const ReferenceTokens& refs = {}, const at::Tensor& guidance = {},
                     WarpTrace* warpTrace = nullptr);

  /// Reference keys/values for every block; independent of prompt, timestep and target.
  ReferenceCache encodeReferences(const ReferenceTokens& refs);

  /// Sampling path: text and target tokens attend to [text, target, cached references].
  /// `present` [B, n] bool hides references per sample (undefined = all present).
  at::Tensor forwardCached(const at::Tensor& img, const at::Tensor& imgPositions, const at::Tensor& timesteps,
                           const TextCondition& text, const ReferenceCache& cache, const at::Tensor& present = {},
                           const at::Tensor& guidance = {});

  const DitConfig& config() const { return config_; }

  torch::nn::Linear img_in{nullptr}, txt_in{nullptr};
  MlpEmbedder time_in{nullptr}, vector_in{nullptr}, guidance_in{nullptr};
  torch::nn::ModuleList double_blocks{nullptr}, single_blocks{nullptr};
  LastLayer final_layer{nullptr};
  ReferenceCopy reference_copy{nullptr};  ///< only with DitConfig::reference_copy
  ReferenceWarp reference_warp{nullptr};  ///< only with DitConfig::reference_warp

 private:
  /// What the reference heads read besides the target's hidden states.
  struct HeadInputs {
    at::Tensor copyKeys, copyValues, tokenPresent;  ///< reference_copy
    std::vector<at::Tensor> warpImages;             ///< reference_warp
    at::Tensor present;                             ///< [B, n] per reference; undefined = all
    ImageGrid grid;                                 ///< the target's token grid
    WarpTrace* trace = nullptr;
  };
  /// final_layer's output, mixed with reference copies when a reference head exists.
  at::Tensor output(const at::Tensor& hidden, const at::Tensor& vec, const RopeTables& pe, const HeadInputs& in);
  /// Each reference's clean image [B or 1, 3, H, W] from its pixel-patch tokens.
  std::vector<at::Tensor> referenceImages(const at::Tensor& tokens, const std::vector<std::int64_t>& lengths,
                                          const std::vector<ImageGrid>& grids) const;
  at::Tensor conditioningVector(const at::Tensor& timesteps, const at::Tensor& pooled, const at::Tensor& guidance);
  at::Tensor referenceVector();
  /// The final layer's output as a velocity (identity unless the config predicts x0).
  at::Tensor toVelocity(const at::Tensor& out, const at::Tensor& img, const at::Tensor& timesteps) const;
  /// The preconditioned input scaling c_in(t) of the target tokens (identity otherwise).
  at::Tensor scaleInput(const at::Tensor& img, const at::Tensor& timesteps) const;
  /// c_in(0) for reference tokens (identity unless preconditioned).
  at::Tensor scaleReferences(const at::Tensor& tokens) const;
  /// The data standard deviation the preconditioning assumes (pixels in [-1, 1]).
  static constexpr double kSigmaData = 0.5;
  void checkInputs(const at::Tensor& img, const at::Tensor& imgPositions, const at::Tensor& timesteps,
                   const TextCondition& text, std::int64_t references) const;
  void checkReferenceCount(std::int64_t references) const;
  void checkReferences(const ReferenceTokens& refs) const;
  void zeroInitModulation();

  DitConfig config_;
};
TORCH_MODULE(Dit);

}  // namespace psr::model
