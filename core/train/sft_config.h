#pragma once
// The SFT job spec (`psr train sft --config JOB.json`): what to train from, on what, how long,
// and where to write. Unknown keys are errors (a typo must not silently fall back to a default).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "flow/flow_matching.h"
#include "model/model_config.h"
#include "train/sample_source.h"

namespace psr::train {

struct SftConfig {
  std::string name = "sft";
  /// A fresh model of this config (a preset name or a full config object) ...
  std::optional<model::ModelConfig> model;
  /// ... or continue from this generator checkpoint folder (e.g. `base` for the SFT stage).
  std::filesystem::path init;
  /// With `init`: add the reference pointer head (DitConfig::reference_copy, freshly
  /// initialised) when the init model has none; the rest of its weights carry over.
  bool addReferenceCopy = false;
  /// With `init`: add the reference warp head (DitConfig::reference_warp) the same way.
  bool addReferenceWarp = false;
  /// With `init`: place the references by this encoding instead of the init model's (the
  /// positional ablation on a fine-tuned model, docs/generator.md).
  std::optional<model::PositionEncoding> positions;
  /// With addReferenceWarp: how the added head pools its lookups (DitConfig::reference_warp_pool).
  model::WarpPool warpPool = model::WarpPool::Token;
  /// Weight of the warp head's box supervision (train/warp_supervision.h); needs data that
  /// carries subject boxes (world data) and a model with the warp head. 0 = off.
  double warpSupervision = 0.0;
  /// Weight of the warp gate's box-membership cross-entropy (train/warp_supervision.h). 0 = off.
  double warpGateSupervision = 0.0;
  /// Weight each sample's gate cross-entropy by its noise level t (see warpGateLoss).
  bool warpGateByNoise = false;
  /// Label the gate's tokens by the subjects' masks ("warp_gate_labels": "mask") instead of
  /// their boxes ("box", the default).
  bool warpGateMasks = false;
  nlohmann::json data;  ///< {"shards": [paths]} or {"world": {...}} (the CLI builds the source)
  ReferenceMix references = ReferenceMix::fromJson({{"2", 0.9}, {"3", 0.05}, {"4", 0.05}});
  std::int64_t steps = 1000;
  std::int64_t batch = 16;
  double lr = 3e-4;
  std::int64_t warmup = 50;
  double minLrFraction = 0.1;  ///< cosine decay to this fraction of lr
  double weightDecay = 0.0;
  double gradClip = 1.0;
  double ema = 0.999;            ///< 0 = off
  std::int64_t loraRank = 0;     ///< 0 = full fine-tune
  double loraAlpha = 8.0;
  double textDropout = 0.1;      ///< share of samples trained with the empty prompt
  double referenceDropout = 0.1; ///< share of samples trained with no reference
  flow::TimestepSampling timesteps;
  flow::LossWeighting lossWeighting = flow::LossWeighting::Velocity;
  std::int64_t checkpointEvery = 250;
  std::int64_t keepCheckpoints = 3;  ///< newest kept (the final one always)
  std::int64_t sampleEvery = 250;    ///< 0 = only step 0 and the end
  std::int64_t sampleCount = 8;
  std::int64_t sampleSteps = 20;
  double sampleGuidance = 3.0;
  std::int64_t logEvery = 10;
  std::uint64_t seed = 1;
  int threads = 0;            ///< 0 = all cores
  std::string device = "cpu";
  std::filesystem::path out;  ///< run folder; relative paths are under the workspace's runs/

  /// Throws InvalidArgument naming the offending key.
  static SftConfig fromJson(const nlohmann::json& j);
  nlohmann::json toJson() const;
};

}  // namespace psr::train
