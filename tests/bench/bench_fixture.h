#pragma once
// Tiny untrained perception models for the benchmark tests: the fixture catalog's vocabulary and
// the smallest widths, so a suite scores in milliseconds without the shipped checkpoints.
// LibTorch headers: include this before Qt's (Qt's `slots` macro breaks them).
#include <filesystem>
#include <memory>

#include "perceive/perception_models.h"
#include "store/workspace.h"
#include "world/catalog.h"

/// What every benchmark test runs on.
struct BenchWorld {
  std::unique_ptr<psr::store::Workspace> ws;  ///< tests/pipeline's fixture world
  std::unique_ptr<psr::world::WorldCatalog> catalog;
  std::unique_ptr<psr::perceive::PerceptionModels> perception;  ///< tinyPerception(*catalog)
};

/// The fixture workspace under `dir` (makePipelineWorkspace), its catalog and tiny perception.
BenchWorld makeBenchWorld(const std::filesystem::path& dir);

/// Detector, subject features and aesthetic scorer with fixed seeds, in eval mode.
psr::perceive::PerceptionModels tinyPerception(const psr::world::WorldCatalog& catalog);

/// Writes `models` as a perception models folder that `PerceptionModels::load` (and the CLI's
/// --perception-models) reads.
void saveTinyPerception(const psr::perceive::PerceptionModels& models, const std::filesystem::path& dir);
