#pragma once
// The flow-matching SFT loop: full fine-tune or LoRA, AdamW with warm-up + cosine decay,
// gradient clipping, EMA, text/reference dropout for classifier-free guidance, sample grids
// (step 0 first), checkpoints that resume bit-exactly on CPU, cancel = save and stop.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include "common/cancel.h"
#include "train/sample_source.h"
#include "train/sft_config.h"

namespace psr::train {

struct SftHooks {
  CancellationToken cancel;  ///< checked before every step: the run saves a checkpoint and stops
  /// Every log_every steps and at the end: loss, grad_norm, lr, samples_per_s, ...
  std::function<void(std::int64_t step, std::int64_t steps, const std::map<std::string, double>& metrics)> onMetrics;
  /// A sample grid [3, H', W'] in [-1, 1]: per row the references, the generated image, the target.
  std::function<void(std::int64_t step, const at::Tensor& grid)> onSamples;
  /// A complete checkpoint folder was written.
  std::function<void(std::int64_t step, const std::filesystem::path& dir)> onCheckpoint;
};

struct SftResult {
  std::int64_t step = 0;         ///< steps done in total (including before a resume)
  std::int64_t resumedFrom = 0;  ///< 0 = fresh start
  bool cancelled = false;
  double seconds = 0;            ///< this process's training time
  double samplesPerSecond = 0;
  double firstLoss = 0, lastLoss = 0;
  std::int64_t trainableParameters = 0, totalParameters = 0;
  std::filesystem::path checkpoint;  ///< the newest checkpoint folder
  nlohmann::json toJson() const;
};

/// The newest complete checkpoint (`<out>/checkpoints/step-NNNNNNN` with train_state.safetensors),
/// or empty.
std::filesystem::path latestCheckpoint(const std::filesystem::path& out);

/// Runs (or resumes, when `out` holds a checkpoint) the job. Throws Error on bad input, and
/// Error(Internal) "non-finite loss" when the loss turns NaN/inf (the last good checkpoint stays).
SftResult runSft(const SftConfig& config, SampleSource& source, const SftHooks& hooks = {});

}  // namespace psr::train
