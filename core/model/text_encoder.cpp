#include "model/text_encoder.h"

#include <algorithm>
#include <limits>

#include <ATen/ATen.h>

#include "common/error.h"
#include "tensor/torch_compat.h"

namespace psr::model {

TokenBatch tokenize(const WordTokenizer& tokenizer, const std::vector<std::string>& prompts, std::int64_t maxTokens) {
  std::vector<std::vector<std::int64_t>> rows;
  std::size_t longest = 1;
  for (const auto& prompt : prompts) {
    rows.push_back(tokenizer.encode(prompt, std::size_t(std::max<std::int64_t>(maxTokens, 1))));
    longest = std::max(longest, rows.back().size());
  }
  const auto b = std::int64_t(rows.size()), l = std::int64_t(longest);
  auto ids = at::full({b, l}, WordTokenizer::kPad, at::kLong);
  auto mask = at::zeros({b, l}, at::kBool);
  auto idsA = ids.accessor<std::int64_t, 2>();
  auto maskA = mask.accessor<bool, 2>();
  for (std::int64_t i = 0; i < b; ++i)
    for (std::size_t j = 0; j < rows[std::size_t(i)].size(); ++j) {
      idsA[i][std::int64_t(j)] = rows[std::size_t(i)][j];
      maskA[i][std::int64_t(j)] = true;
    }
  return {ids, mask};
}

TextEncoderLayerImpl::TextEncoderLayerImpl(std::int64_t dim, std::int64_t heads) {
  norm1_ = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
  attn_ = register_module("attn", SelfAttention(dim, heads, true));
  norm2_ = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
  mlp_ = register_module("mlp", feedForward(dim, 4 * dim));
}

at::Tensor TextEncoderLayerImpl::forward(const at::Tensor& x, const at::Tensor& bias) {
  const auto p = attn_->project(norm1_->forward(x));
  const auto a = compat::attention(p.q, p.k, p.v, bias);
  const auto h = x + attn_->proj->forward(a.transpose(1, 2).reshape(x.sizes()));
  return h + mlp_->forward(norm2_->forward(h));
}

TextEncoderImpl::TextEncoderImpl(TextEncoderConfig config) : config_(std::move(config)) {
  if (config_.vocab_size <= 0)
    throw Error("this model uses an external text encoder (vocab_size 0); it cannot be built here",
                ErrorCode::InvalidArgument);
  const auto w = config_.dim;
  token_embedding_ = register_module("token_embedding", torch::nn::Embedding(config_.vocab_size, w));
  position_embedding_ = register_parameter("position_embedding", at::randn({config_.max_tokens, w}) * 0.02);
  layers_ = register_module("layers", torch::nn::ModuleList());
  for (std::int64_t i = 0; i < config_.depth; ++i) layers_->push_back(TextEncoderLayer(w, config_.num_heads));
  final_norm_ = register_module("final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({w})));
  pooled_proj_ = register_module("pooled_proj", torch::nn::Linear(w, config_.pooled_dim));
}

TextCondition TextEncoderImpl::forward(const TokenBatch& batch) {
  const auto& ids = batch.ids;
  if (ids.dim() != 2 || ids.size(1) < 1 || ids.size(1) > config_.max_tokens || batch.mask.sizes() != ids.sizes())
    throw Error("text encoder: ids and mask must be [B, 1.." + std::to_string(config_.max_tokens) + "], got " +
                    std::string(c10::str(ids.sizes())),
                ErrorCode::InvalidArgument);
  const auto device = position_embedding_.device();
  const auto mask = batch.mask.to(device);
  auto x = token_embedding_->forward(ids.to(device)) + position_embedding_.narrow(0, 0, ids.size(1)).unsqueeze(0);
  const auto bias = at::zeros(mask.sizes(), x.options())
                        .masked_fill_(mask.logical_not(), -std::numeric_limits<float>::infinity())
                        .view({ids.size(0), 1, 1, ids.size(1)});
  for (const auto& layer : *layers_) x = layer->as<TextEncoderLayerImpl>()->forward(x, bias);
  x = final_norm_->forward(x);
  return {x, mask, pooled_proj_->forward(x.select(1, 0))};
}

TextCondition nullTextCondition(TextEncoderImpl& encoder, const WordTokenizer& tokenizer, std::int64_t batch) {
  return encoder.forward(
      tokenize(tokenizer, std::vector<std::string>(std::size_t(batch)), encoder.config().max_tokens));
}

}  // namespace psr::model
