#pragma once
// Flow-GRPO (docs/rl-spec.md): SDE rollouts with fp32 per-step log-probabilities, G samples
// per prompt with distinct noise, weighted multi-component rewards scored on a worker thread
// while the next rollout chunk samples, group-normalised clipped advantages (zero-variance
// groups dropped and counted), the clipped-ratio objective over a window of steps, optional KL
// to the initial policy, AdamW, EMA, checkpoints and exact resume at epoch boundaries.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include "common/cancel.h"
#include "train/rl_config.h"
#include "train/rl_types.h"

namespace psr::train {

struct RlHooks {
  CancellationToken cancel;  ///< checked between epochs and chunks: save and stop
  /// Per epoch: reward components (raw and weighted), total, loss, kl, clip_fraction, ratio_*,
  /// zero_variance_share, skipped, time shares, samples_per_s.
  std::function<void(std::int64_t epoch, std::int64_t epochs, const std::map<std::string, double>&)> onMetrics;
  /// The GRPO group inspector's data for the epoch's first group: per sample its reward
  /// components, total and advantage, and the G images [G, 3, H, W] in [-1, 1].
  std::function<void(std::int64_t epoch, const nlohmann::json& group, const at::Tensor& images)> onGroup;
  std::function<void(std::int64_t epoch, const std::filesystem::path& dir)> onCheckpoint;
};

struct RlResult {
  std::int64_t epoch = 0, resumedFrom = 0;
  bool cancelled = false;
  double seconds = 0, samplesPerSecond = 0;
  double firstReward = 0, lastReward = 0;
  std::int64_t skipped = 0, trainableParameters = 0;
  /// Set when kl_max stopped the run: the epoch whose mean KL passed it, and that KL. `epoch` is
  /// then the latest checkpoint's (0 when none was written yet).
  std::int64_t klStopEpoch = 0;
  double klStopValue = 0;
  std::filesystem::path checkpoint;
  nlohmann::json toJson() const;
};

RlResult runRl(const RlConfig& config, PromptSource& prompts, RewardFunction& reward, const RlHooks& hooks = {});

}  // namespace psr::train
