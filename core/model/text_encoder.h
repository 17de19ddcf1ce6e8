#pragma once
// The small transformer text encoder trained with the DiT: token embeddings for txt_in and a
// pooled vector (the <s> token's output) for vector_in.
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "model/dit_blocks.h"
#include "model/model_config.h"
#include "model/text_condition.h"
#include "model/tokenizer.h"

namespace psr::model {

/// Token ids of a batch of prompts, padded to the longest.
struct TokenBatch {
  at::Tensor ids;   ///< [B, L] int64
  at::Tensor mask;  ///< [B, L] bool, true for real tokens (the <s> always is)
};

/// Tokenizes prompts; an empty prompt is just <s>, so every row has at least one real token.
TokenBatch tokenize(const WordTokenizer& tokenizer, const std::vector<std::string>& prompts, std::int64_t maxTokens);

/// Pre-LayerNorm transformer layer: `norm1`, `attn` (qkv, QK-norm, proj), `norm2`, `mlp`.
class TextEncoderLayerImpl : public torch::nn::Module {
 public:
  TextEncoderLayerImpl(std::int64_t dim, std::int64_t heads);
  /// `bias` [B, 1, 1, L] hides padding keys.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& bias);

 private:
  torch::nn::LayerNorm norm1_{nullptr}, norm2_{nullptr};
  SelfAttention attn_{nullptr};
  torch::nn::Sequential mlp_{nullptr};
};
TORCH_MODULE(TextEncoderLayer);

/// `token_embedding`, `position_embedding`, `layers.N`, `final_norm`, `pooled_proj`.
class TextEncoderImpl : public torch::nn::Module {
 public:
  explicit TextEncoderImpl(TextEncoderConfig config);
  /// Tokens [B, L, dim] (padding rows included, masked), the mask, and pooled [B, pooled_dim].
  TextCondition forward(const TokenBatch& batch);
  const TextEncoderConfig& config() const { return config_; }

 private:
  TextEncoderConfig config_;
  torch::nn::Embedding token_embedding_{nullptr};
  at::Tensor position_embedding_;
  torch::nn::ModuleList layers_{nullptr};
  torch::nn::LayerNorm final_norm_{nullptr};
  torch::nn::Linear pooled_proj_{nullptr};
};
TORCH_MODULE(TextEncoder);

/// The classifier-free-guidance null text: the empty prompt, encoded, for `batch` samples.
/// (The null references are simply none: an empty ReferenceCache / ReferenceTokens.)
TextCondition nullTextCondition(TextEncoderImpl& encoder, const WordTokenizer& tokenizer, std::int64_t batch);

}  // namespace psr::model
