#pragma once
// The RL stage's emoji-world side: prompts (train-split scenes of 2-4 subjects with their
// reference renders and what the reward needs to check them) and the reward function backed
// by the perception models (PSR official mode, semantic checks, aesthetic).
#include <cstdint>
#include <memory>

#include "perceive/perception_models.h"
#include "pipeline/subset_mix.h"
#include "train/rl_types.h"
#include "train/sample_source.h"
#include "world/catalog.h"

namespace psr::train_data {

class WorldPrompts final : public train::PromptSource {
 public:
  /// Subject counts per epoch from `mix` (the paper's 2/3/4 at 0.9/0.05/0.05); train split only.
  /// `cropReferences`: the policy gets each reference cut to its subject at the renderer's box
  /// (RlPrompt::modelReferences), as a `reference_crop` model was trained; the reward keeps them whole.
  WorldPrompts(const world::WorldCatalog& catalog, train::ReferenceMix mix, std::uint64_t seed, int size,
               bool cropReferences = false);
  ~WorldPrompts() override;
  /// Draws scenes the way the data pipeline and PSRBench do instead: each epoch picks one task
  /// type from `tasks` (its subject count replaces `mix`), plans a train-split group scene and
  /// applies that task's edit. Throws InvalidArgument when the catalog cannot serve a task.
  void drawTasks(pipeline::SubsetMix tasks);
  std::vector<train::RlPrompt> prompts(std::int64_t epoch, std::int64_t count) override;
  nlohmann::json describe() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// R components "psr", "semantic", "aesthetic" from the perception models. `meta` of a prompt
/// holds "categories" (detector vocabulary indices) and "instruction".
class PerceptionReward final : public train::RewardFunction {
 public:
  explicit PerceptionReward(perceive::PerceptionModels& models) : models_(models) {}
  std::vector<train::RewardComponents> score(const at::Tensor& images,
                                             const std::vector<const train::RlPrompt*>& prompts) override;

 private:
  perceive::PerceptionModels& models_;
};

}  // namespace psr::train_data
