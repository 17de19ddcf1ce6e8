#pragma once
// `psr eval generator`: a generator's quality on held-out identities, measured with the
// perception models against its two reference points — the same model given no references
// (reference-blind lower bound) and the world's own render of the target scene (oracle upper
// bound). Per subject count: PSR (official), semantic and aesthetic means with bootstrap 95 %
// intervals, normalised consistency (model − blind) / (oracle − blind), and the reference-use
// probe (how much the images change when the references are removed), and the patch roughness
// of every kind with the model / oracle ratio (grain a pixel-patch generator leaves in patches).
#include <cstdint>
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/cancel.h"
#include "common/sampling_defaults.h"
#include "model/checkpoint.h"
#include "perceive/perception_models.h"
#include "world/catalog.h"

namespace psr::train_data {

struct GeneratorEvalSettings {
  std::vector<int> subjectCounts{2, 3, 4};
  int samples = 50;  ///< scenes per subject count
  std::uint64_t seed = 20260;
  std::int64_t steps = 20;
  double guidance = kDefaultGuidance;
  int batch = 16;
  int bootstrap = 1000;
  /// What the model sees of its references: whole, cut to their subject at the renderer's box
  /// (Truth) or at the detector's box (Detector, what `psr generate` does for a model trained
  /// with `reference_crop`; train_data/reference_crop.h). The PSR scorer always gets them whole.
  enum class Crop { Whole, Truth, Detector };
  Crop crop = Crop::Whole;
  /// Held-out identities (the quality figures) or train-split ones: the gap between the two,
  /// and a high reference-blind PSR on train identities, show memorised identities.
  bool heldout = true;
  CancellationToken cancel;
  std::function<void(long long done, long long total)> progress;
};

nlohmann::json evaluateGenerator(model::Generator& generator, const world::WorldCatalog& catalog,
                                 perceive::PerceptionModels& perception, const GeneratorEvalSettings& settings);

/// Mean and bootstrap 95 % interval of `values` (resampled `rounds` times with `seed`).
nlohmann::json meanWithInterval(const std::vector<double>& values, int rounds, std::uint64_t seed);

}  // namespace psr::train_data
