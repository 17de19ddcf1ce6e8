#pragma once
// The aesthetic scorer (HPSv3's role): a small CNN that maps an image to a preference logit,
// trained with a Bradley-Terry loss on (clean, degraded) render pairs.
#include <cstdint>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <nlohmann/json_fwd.hpp>

#include "perceive/conv_block.h"

namespace psr::perceive {

/// Sizes of the aesthetic scorer; stored as the checkpoint's config.
struct AestheticOptions {
  nlohmann::json toJson() const;
  static AestheticOptions fromJson(const nlohmann::json& j);

  TORCH_ARG(std::int64_t, input_size) = 64;
  TORCH_ARG(std::int64_t, width) = 16;
};

class AestheticImpl : public torch::nn::Module {
 public:
  explicit AestheticImpl(const AestheticOptions& options);

  /// Normalised images [B,3,S,S] -> preference logits [B] (higher is better; sigmoid -> 0..1).
  at::Tensor forward(const at::Tensor& x);

  /// Multiply-adds of one forward per image.
  double macsPerImage() const;

  AestheticOptions options;

 private:
  ConvBnAct stem_{nullptr}, c1_{nullptr}, c2_{nullptr}, c3_{nullptr}, c4_{nullptr};
  torch::nn::Linear out_{nullptr};
};
TORCH_MODULE(Aesthetic);

/// Bradley-Terry loss -log sigmoid(better - worse) over paired logits [N].
at::Tensor bradleyTerryLoss(const at::Tensor& better, const at::Tensor& worse);

}  // namespace psr::perceive
