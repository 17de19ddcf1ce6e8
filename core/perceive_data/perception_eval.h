#pragma once
// `psr perceive eval`: every quality target of the perception models, measured on renders of
// held-out identities with seeds the training never used.
#include <cstdint>
#include <set>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "perceive/perception_models.h"
#include "world/catalog.h"

namespace psr::perceive_data {

/// Sizes of the evaluation sets.
struct EvalSettings {
  std::uint64_t seed = 20260;
  int detectorImages = 300;
  int aestheticPairs = 600;
  int semanticScenes = 60;  // per corruption
  int psrScenes = 100;
  /// Parts to measure: detector, features, aesthetic, semantic, psr (empty: all).
  std::set<std::string> only;
};

/// {"targets": [{"name", "value", "target", "pass"}...], "all_pass", "details": {...}}.
nlohmann::json evaluatePerception(perceive::PerceptionModels& models, const world::WorldCatalog& catalog,
                                  const EvalSettings& settings);

/// Area under the ROC curve of positive vs negative scores (ties count half).
double rocAuc(std::vector<double> positives, std::vector<double> negatives);

/// VOC-style average precision from (confidence, is true positive) pairs and the number of
/// ground-truth objects.
double averagePrecision(std::vector<std::pair<double, bool>> detections, std::size_t groundTruth);

}  // namespace psr::perceive_data
