#pragma once
// The subject feature model (DINO's role): a small CNN that embeds a subject crop so that the
// cosine similarity of two crops says whether they show the same identity. Trained with a
// supervised contrastive loss over identity labels.
#include <cstdint>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <nlohmann/json_fwd.hpp>

#include "perceive/conv_block.h"

namespace psr::perceive {

/// Sizes of the feature model; stored as the checkpoint's config.
struct SubjectFeaturesOptions {
  nlohmann::json toJson() const;
  static SubjectFeaturesOptions fromJson(const nlohmann::json& j);

  TORCH_ARG(std::int64_t, crop_size) = 32;  // crops are resized to crop_size^2
  TORCH_ARG(std::int64_t, width) = 24;      // channels of the first stage (x2, x4 deeper)
  TORCH_ARG(std::int64_t, dim) = 128;       // embedding size
  TORCH_ARG(double, crop_margin) = 0.08;    // context added around a box before cropping
};

class SubjectFeaturesImpl : public torch::nn::Module {
 public:
  explicit SubjectFeaturesImpl(const SubjectFeaturesOptions& options);

  /// Normalised crops [N,3,S,S] -> unit embeddings [N,dim].
  at::Tensor forward(const at::Tensor& crops);

  /// Unit-range images [B,3,H,W], boxes [N,4] in their pixels, imageIndex [N] -> the crops the
  /// model takes (squared boxes with the margin, resized, normalised).
  at::Tensor crops(const at::Tensor& unitImages, const at::Tensor& boxes, const at::Tensor& imageIndex) const;

  /// Multiply-adds of one forward per crop.
  double macsPerCrop() const;

  SubjectFeaturesOptions options;

 private:
  ConvBnAct stem_{nullptr}, down1_{nullptr}, mid1_{nullptr}, down2_{nullptr}, deep_{nullptr};
  torch::nn::Linear proj_{nullptr};
};
TORCH_MODULE(SubjectFeatures);

/// Supervised contrastive loss (Khosla et al. 2020) of unit embeddings [N,D] with integer
/// labels [N]; anchors without a positive are skipped.
at::Tensor supConLoss(const at::Tensor& embeddings, const at::Tensor& labels, double temperature = 0.1);

}  // namespace psr::perceive
