#pragma once
// The detector's second stage: a small CNN on a subject crop that names its category (the
// phrase a grounding query asks for) and reads the accessories it wears and the action it does.
// Crops give a subject ~4x the pixels it has on the detector's 16x16 grid, which is what
// separating hundreds of categories at 64 px needs. Actions are read from a second, wider crop
// (see ActionReader) when the config asks for one.
#include <cstdint>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "perceive/conv_block.h"

namespace psr::perceive {

/// Sizes of the crop classifier (part of the detector's config).
struct SubjectClassifierOptions {
  TORCH_ARG(std::int64_t, crop_size) = 32;
  TORCH_ARG(std::int64_t, width) = 24;
  TORCH_ARG(double, crop_margin) = 0.08;
  // > 0: actions come from an ActionReader on crops with this margin; 0: from the category crop
  // (the first shipped detector). The wide crop holds what an action draws beside its subject.
  TORCH_ARG(double, action_margin) = 0.0;
  TORCH_ARG(std::int64_t, categories) = 1;
  TORCH_ARG(std::int64_t, accessories) = 1;
  TORCH_ARG(std::int64_t, actions) = 1;  // class 0 is "no action"
};

/// Reads a subject's action from a wide crop. Its head also sees the features pooled per
/// quadrant, so that where things are (eyes below the mouth: upside down; a shadow below:
/// jumping; notes or a dash beside) counts, not only what is there.
class ActionReaderImpl : public torch::nn::Module {
 public:
  ActionReaderImpl(std::int64_t width, std::int64_t actions);
  /// Normalised crops [N,3,S,S] -> action logits [N,K].
  at::Tensor forward(const at::Tensor& crops);
  double macs(std::int64_t size) const;

 private:
  ConvBnAct stem_{nullptr}, down1_{nullptr}, mid1_{nullptr}, down2_{nullptr}, deep_{nullptr};
  torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(ActionReader);

/// Logits per crop.
struct SubjectClassification {
  at::Tensor category;   // [N,C]
  at::Tensor accessory;  // [N,A] (multi-label)
  at::Tensor action;     // [N,K]
};

class SubjectClassifierImpl : public torch::nn::Module {
 public:
  explicit SubjectClassifierImpl(const SubjectClassifierOptions& options);

  /// Unit-range images [B,3,H,W], boxes [N,4] in their pixels, imageIndex [N] -> logits of
  /// each box. withActions = false leaves `action` undefined when an ActionReader reads actions
  /// (inference calls readActions on the few boxes that need them; the old layout's action head
  /// is free and always runs).
  SubjectClassification forward(const at::Tensor& unitImages, const at::Tensor& boxes, const at::Tensor& imageIndex,
                                bool withActions = true);

  /// Action logits [N,K] of these boxes from the ActionReader; only when hasActionReader().
  at::Tensor readActions(const at::Tensor& unitImages, const at::Tensor& boxes, const at::Tensor& imageIndex);
  bool hasActionReader() const { return bool(actionReader_); }

  /// Multiply-adds of one forward per crop, and of the ActionReader alone (0 without one).
  double macsPerCrop() const;
  double actionReaderMacsPerCrop() const;

  SubjectClassifierOptions options;

 private:
  ConvBnAct stem_{nullptr}, down1_{nullptr}, mid1_{nullptr}, down2_{nullptr}, deep_{nullptr};
  torch::nn::Linear category_{nullptr}, accessory_{nullptr}, action_{nullptr};
  ActionReader actionReader_{nullptr};
};
TORCH_MODULE(SubjectClassifier);

}  // namespace psr::perceive
