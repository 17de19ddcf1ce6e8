#pragma once
// The three perception models loaded together, and the full reward over a batch: detection of
// every subject in the generated images and references, PSR, semantic checks, aesthetics and
// their weighted total.
#include <cstdint>
#include <filesystem>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "perceive/aesthetic.h"
#include "perceive/detector.h"
#include "perceive/psr_reward.h"
#include "perceive/semantic_scorer.h"
#include "perceive/subject_features.h"
#include "perceive/vocabulary.h"

namespace psr::perceive {

/// Weights of R = w_psr R_PSR + w_sem R_semantic + w_aes R_aesthetic (the paper's 0.4/0.4/0.2).
struct RewardWeights {
  double psr = 0.4, semantic = 0.4, aesthetic = 0.2;
};

/// Detector (with its vocabulary), subject features and aesthetic scorer, in eval mode.
struct PerceptionModels {
  GroundingDetector detector{nullptr};
  SubjectFeatures features{nullptr};
  Aesthetic aesthetic{nullptr};
  Vocabulary vocabulary;
  double minConfidence = 0.3;  // a detection below this counts as "not found"

  /// Loads detector/features/aesthetic.safetensors from `dir` onto `device`.
  static PerceptionModels load(const std::filesystem::path& dir, c10::Device device = c10::kCPU);
};

/// One generated image to score: its subjects' categories, the reference row of each subject,
/// and what its instruction asks.
struct RewardRequest {
  std::vector<std::int64_t> categories;
  std::vector<std::int64_t> references;
  SemanticRequirements requirements;
  bool positionOnly = false;  // PSRBench's Position subset: the rule alone
};

/// Every term of one image's reward.
struct RewardResult {
  PsrScore psr;
  SemanticScore semantic;
  double aesthetic = 0;  // sigmoid of the preference logit
  double total = 0;
};

/// Scores generated images [B,3,H,W] against references [R,3,h,w] (uint8 or unit float; any
/// size, the models resize), one request per generated image. Runs under InferenceMode.
std::vector<RewardResult> computeRewards(PerceptionModels& models, const at::Tensor& generated,
                                         const at::Tensor& references, const std::vector<RewardRequest>& requests,
                                         PsrMode mode = PsrMode::Official, const RewardWeights& weights = {});

/// Detections of each query (image, category) in unit-range images [B,3,H,W]; readActions =
/// false skips the action reader (for references, whose actions nothing checks).
std::vector<std::vector<Detection>> detectAll(GroundingDetectorImpl& detector, const at::Tensor& unitImages,
                                              const std::vector<DetectionQuery>& queries, at::Tensor* backgroundProbs = nullptr,
                                              bool readActions = true);

}  // namespace psr::perceive
