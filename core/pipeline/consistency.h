#pragma once
#include "pipeline/providers.h"

namespace psr::pipeline {

/// The built-in subject-consistency scorer until the learned subject-feature model exists:
/// the mean of a colour-histogram intersection (4x4x4 bins over the masked pixels; robust to
/// pose and scale) and the centred cosine of the masked crops downscaled to 8x8 (layout).
/// Crops of one identity in different poses and contexts score high, other identities low.
class HistogramConsistencyScorer : public ConsistencyScorer {
 public:
  std::string name() const override { return "colour-histogram"; }
  double score(const MaskedCrop& reference, const MaskedCrop& target) override;
};

/// The subject's pixels and mask inside its detection box (the mask is the whole box when the
/// detector gave none).
MaskedCrop maskedCrop(const world::Image& image, const Detection& detection);

/// Copy-paste similarity of two subject boxes, background included: both box crops are
/// area-averaged to 16x16 and compared as 1 - RMSE / sqrt(var(a) + var(b)), clamped to [0, 1].
/// A target crop pasted from its reference scores ~1, unrelated crops ~0; the world's
/// references, drawn in another context (background, pose, scale), score far lower than 1.
double copyPasteSimilarity(const world::Image& reference, const world::PixelBox& referenceBox,
                           const world::Image& target, const world::PixelBox& targetBox);

}  // namespace psr::pipeline
