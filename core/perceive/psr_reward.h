#pragma once
// The Pairwise Subject-Consistency Reward: R_i = cosine(features(crop of subject i in the
// generated image), features(crop of subject i in reference i)), R_PSR = mean_i R_i.
#include <array>
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

#include "perceive/detector.h"
#include "perceive/subject_features.h"

namespace psr::perceive {

/// Official: the public scorer (whole-image fallback when detection fails; the k-th subject of
/// a repeated category takes the k-th box). Strict: a subject not found scores 0, and subjects
/// of one category are matched to that category's boxes by the best assignment.
enum class PsrMode { Official, Strict };

/// One subject of a sample and what the detector found for its category phrase.
struct PsrSubject {
  std::int64_t category = 0;
  std::int64_t reference = 0;          // row of the references tensor
  std::vector<Detection> inGenerated;  // boxes of the category in the generated image, best first
  std::vector<Detection> inReference;  // boxes of the category in the reference, best first
};

/// The subjects of one generated image (row of the generated tensor).
struct PsrSample {
  std::vector<PsrSubject> subjects;
};

/// x0, y0, x1, y1 in the image's pixels.
using PixelRect = std::array<float, 4>;

struct PsrSubjectScore {
  double score = 0;
  bool found = false;          // a box was used in the generated image (not the fallback)
  PixelRect generatedBox{};    // the crop used (the whole image for the official fallback)
  PixelRect referenceBox{};
};

struct PsrScore {
  double psr = 0;  // mean over subjects
  std::vector<PsrSubjectScore> subjects;
};

/// Scores every sample with one batched forward of the feature model. `generated` is unit-range
/// [B,3,H,W], `references` unit-range [R,3,h,w]; detections below `minConfidence` are ignored.
std::vector<PsrScore> psrReward(SubjectFeaturesImpl& features, const at::Tensor& generated, const at::Tensor& references,
                                const std::vector<PsrSample>& samples, PsrMode mode, double minConfidence = 0.3);

/// The assignment of rows to distinct columns of `score` [rows][cols] with the largest sum
/// (brute force over permutations: meant for the 2-4 subjects of one category). Entry r is the
/// column of row r, or -1 when there are fewer columns than rows and r got none.
std::vector<int> bestAssignment(const std::vector<std::vector<double>>& score);

}  // namespace psr::perceive
