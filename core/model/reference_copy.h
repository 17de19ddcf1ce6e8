#pragma once
// The reference pointer head (DitConfig::reference_copy). After the last block every target
// token attends once more over the reference tokens, with two single-head attentions:
//   - "positional": queries and keys carry RoPE of the token positions, so a head that matches
//     position copies a reference patch to the same (h, w), as an in-place copy needs;
//   - "content": no RoPE, so it finds a patch by what the hidden states say, wherever it is.
// Each returns a mixture of the references' raw patch tokens (the clean image, in codec token
// space). A per-token softmax gate over (final_layer's x0, positional copy, content copy)
// mixes the three. The gate starts at 95 % final_layer, so an existing model keeps its
// behaviour when the head is added; samples without a present reference get final_layer
// alone. Keys depend only on the reference tokens' hidden states, so they are cached with
// the block keys/values for sampling. The positional head is initialised as an in-place copy
// and the gate's logits are scaled, so that a fresh head learns in hundreds of steps.
#include <cstdint>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "model/rope.h"

namespace psr::model {

class ReferenceCopyImpl : public torch::nn::Module {
 public:
  ReferenceCopyImpl(std::int64_t hidden, std::int64_t headDim);

  /// Keys [B, 2, Nr, headDim] from the reference hidden states [B, Nr, hidden]; head 0 (the
  /// positional one) rotated by `pe` (the references' RoPE tables).
  at::Tensor keys(const at::Tensor& refHidden, const RopeTables& pe);

  /// The mixed clean-image prediction [B, N, C]. `x0` [B, N, C] is final_layer's, `hidden`
  /// [B, N, hidden] the target tokens' last hidden states, `pe` the target's RoPE tables,
  /// `keys` from keys(), `values` [B or 1, Nr, C] the references' raw tokens, `present`
  /// [B, Nr] bool per reference token (undefined = all).
  at::Tensor mix(const at::Tensor& x0, const at::Tensor& hidden, const RopeTables& pe, const at::Tensor& keys,
                 const at::Tensor& values, const at::Tensor& present);

  torch::nn::Linear query{nullptr}, key{nullptr}, gate{nullptr};

 private:
  static constexpr double kPositionalBias = 4.0;  ///< the positional head's initial query/key bias
  static constexpr double kGateScale = 8.0;       ///< gate logits = kGateScale · gate(h)
  std::int64_t headDim_;
};
TORCH_MODULE(ReferenceCopy);

}  // namespace psr::model
