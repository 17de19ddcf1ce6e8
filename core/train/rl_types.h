#pragma once
// What the Flow-GRPO trainer needs from outside the engine: prompts (an instruction with its
// reference images and whatever the reward needs to check them) and a reward function that
// scores generated images component by component.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

namespace psr::train {

/// One RL prompt. Every prompt of one epoch has the same number of references.
struct RlPrompt {
  std::string text;
  std::vector<at::Tensor> references;  ///< each [3, H, W] float in [-1, 1]; what the reward compares with
  nlohmann::json meta;                 ///< for the reward (categories, requirements, ...)
  /// What the policy is given, when that differs (each reference cut to its subject, for a
  /// model trained with `reference_crop`); empty = `references`.
  std::vector<at::Tensor> modelReferences;
};

class PromptSource {
 public:
  virtual ~PromptSource() = default;
  /// `count` prompts for `epoch` (deterministic).
  virtual std::vector<RlPrompt> prompts(std::int64_t epoch, std::int64_t count) = 0;
  virtual nlohmann::json describe() const = 0;
};

/// Reward components of one image, e.g. {"psr": .., "semantic": .., "aesthetic": ..}.
using RewardComponents = std::map<std::string, double>;

class RewardFunction {
 public:
  virtual ~RewardFunction() = default;
  /// Scores images [B, 3, H, W] in [-1, 1]; prompts[i] is image i's prompt. May throw (the
  /// trainer retries, then skips the group and counts it). Called from a worker thread.
  virtual std::vector<RewardComponents> score(const at::Tensor& images, const std::vector<const RlPrompt*>& prompts) = 0;
};

}  // namespace psr::train
