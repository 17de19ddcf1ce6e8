#pragma once
// `psr perceive train`: the training loops of the three perception models on emoji-world renders.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/cancel.h"
#include "world/catalog.h"

namespace psr::perceive_data {

/// Which model to train.
enum class PerceptionModel { Detector, Features, Aesthetic };

/// Parses "detector" / "features" / "aesthetic"; throws InvalidArgument otherwise.
PerceptionModel parsePerceptionModel(const std::string& name);
const char* perceptionModelName(PerceptionModel model);

/// One training run. Zero `steps` / `batch` pick the model's defaults.
struct TrainSettings {
  int steps = 0;
  int batch = 0;
  std::uint64_t seed = 1;
  double learningRate = 2e-3;
  /// Detector scenes: the share of subjects doing an action (rotated, mirrored, lifted).
  double actionChance = 0.6;
  int threads = 2;
  std::filesystem::path out;  // checkpoint file
  /// Continue from this checkpoint of the same kind (its weights and vocabulary must match);
  /// the new record keeps the old one under "initialised_from". Empty: fresh initialisation.
  std::filesystem::path init;
  CancellationToken cancel;   // a cancelled run saves what it has and stops
  /// Called every `reportEvery` steps with (step, steps, smoothed loss).
  std::function<void(int, int, double)> progress;
  int reportEvery = 25;
};

/// What a run did; `toJson` is what `--json` prints and what the checkpoint records.
struct TrainReport {
  std::string model;
  int steps = 0, stepsPlanned = 0, batch = 0;
  std::uint64_t seed = 0;
  double seconds = 0, firstLoss = 0, lastLoss = 0, learningRate = 0;
  long long parameters = 0, checkpointBytes = 0;
  bool cancelled = false;
  std::string data;  // what the batches were rendered from
  nlohmann::json initialisedFrom;  // the init checkpoint's path and training record, or null
  std::filesystem::path checkpoint;

  nlohmann::json toJson() const;
};

/// Trains `model` on renders of `catalog` (the feature model on train-split identities only)
/// and writes the checkpoint to settings.out.
TrainReport trainPerceptionModel(PerceptionModel model, const world::WorldCatalog& catalog, const TrainSettings& settings);

}  // namespace psr::perceive_data
