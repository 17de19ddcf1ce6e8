#pragma once
// The grounding detector (Grounding DINO's role in the emoji world), in two stages. A
// CenterNet-style CNN finds subjects of any category (centre heatmap + box per stride-4 cell)
// and names the background from pooled features; a crop classifier then reads each found box:
// its category (what a phrase query is matched against), accessories and action. One call
// gives the semantic scorer everything it measures.
#include <atomic>
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <nlohmann/json_fwd.hpp>

#include "perceive/conv_block.h"
#include "perceive/subject_classifier.h"

namespace psr::perceive {

/// Sizes of the detector; stored as the checkpoint's config.
struct GroundingDetectorOptions {
  nlohmann::json toJson() const;
  static GroundingDetectorOptions fromJson(const nlohmann::json& j);

  TORCH_ARG(std::int64_t, input_size) = 64;        // images are resized to input_size^2 first
  TORCH_ARG(std::int64_t, width) = 24;             // locator channels of the first stage (x2, x4 deeper)
  TORCH_ARG(std::int64_t, classifier_width) = 24;  // crop classifier channels of the first stage
  TORCH_ARG(std::int64_t, categories) = 1;
  TORCH_ARG(std::int64_t, accessories) = 1;
  TORCH_ARG(std::int64_t, actions) = 1;            // class 0 is "no action"
  TORCH_ARG(std::int64_t, backgrounds) = 1;
  TORCH_ARG(double, action_margin) = 0.0;          // see SubjectClassifierOptions
};

/// Locator outputs on the stride-4 grid (h = w = input_size / 4).
struct DetectorOutput {
  at::Tensor heat;        // [B,1,h,w] centre logits
  at::Tensor box;         // [B,4,h,w] (offset x, offset y in cells: logits; log w, log h in cells)
  at::Tensor background;  // [B,G] logits
};

/// One box found for a category query, in the caller's pixel coordinates.
struct Detection {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float confidence = 0;               // objectness x p(category | crop)
  std::vector<float> accessoryProbs;  // sigmoid per accessory
  std::vector<float> actionProbs;     // softmax over actions (0: none)
};

/// "Find category `category` in image `image`".
struct DetectionQuery {
  std::int64_t image = 0;
  std::int64_t category = 0;
};

class GroundingDetectorImpl : public torch::nn::Module {
 public:
  explicit GroundingDetectorImpl(const GroundingDetectorOptions& options);

  /// Normalised model input [B,3,S,S] (see image_ops.h) -> locator outputs.
  DetectorOutput forward(const at::Tensor& x);

  /// Boxes [B,K,4] (model-input pixels) and objectness [B,K] of the `topK` strongest centres
  /// per image (3x3 non-maximum suppression).
  std::pair<at::Tensor, at::Tensor> peaks(const DetectorOutput& out, std::int64_t topK);

  /// Detections per query, best first: the image's centres with objectness >= minObjectness
  /// (at most topK) are classified from crops of `unitImages` (the images `out` came from, any
  /// size) and kept when objectness x p(category) >= minConfidence. Boxes are in the pixels
  /// of unitImages. Actions are read only for kept detections, and not at all when readActions
  /// is false (references: only the generated image's actions are ever checked); their
  /// actionProbs then stay empty. With an ActionReader that halves the classifier's work.
  std::vector<std::vector<Detection>> decode(const DetectorOutput& out, const at::Tensor& unitImages,
                                             const std::vector<DetectionQuery>& queries,
                                             double minConfidence = 0.05, std::int64_t topK = 6,
                                             double minObjectness = 0.05, bool readActions = true);

  SubjectClassifier& classifier() { return classifier_; }

  /// Multiply-adds of the locator per image and of the classifier per crop.
  double macsPerImage() const;
  double macsPerCrop() const { return classifier_->macsPerCrop(); }

  /// Crops decode() has classified and read actions of since the last reset (for the reward
  /// benchmark's FLOP count; atomic because RL scores on a worker thread).
  struct Work {
    std::int64_t classified = 0, actionsRead = 0;
  };
  Work work() const { return {classified_.load(), actionsRead_.load()}; }
  void resetWork() {
    classified_ = 0;
    actionsRead_ = 0;
  }

  GroundingDetectorOptions options;

 private:
  ConvBnAct stem_{nullptr}, down1_{nullptr}, mid1_{nullptr}, down2_{nullptr}, deep1_{nullptr}, deep2_{nullptr},
      fuse_{nullptr}, head_{nullptr};
  torch::nn::Conv2d lateral_{nullptr}, out_{nullptr};
  torch::nn::Linear backgroundHead_{nullptr};
  SubjectClassifier classifier_{nullptr};
  std::atomic<std::int64_t> classified_{0}, actionsRead_{0};
};
TORCH_MODULE(GroundingDetector);

}  // namespace psr::perceive
