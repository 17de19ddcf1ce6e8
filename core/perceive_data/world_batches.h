#pragma once
// Training and evaluation batches rendered from the emoji world, as engine tensors.
#include <cstdint>
#include <optional>
#include <vector>

#include <ATen/core/Tensor.h>

#include "perceive/detector_loss.h"
#include "perceive_data/world_vocabulary.h"
#include "world/catalog.h"
#include "world/renderer.h"
#include "world/rng.h"

namespace psr::perceive_data {

/// Rendered scenes with their detector ground truth.
struct SceneBatch {
  at::Tensor images;  // uint8 [B,3,S,S]
  perceive::DetectorTargets targets;
  std::vector<world::Scene> scenes;
};

/// Crops of identities seen in different contexts.
struct ViewBatch {
  at::Tensor images;      // uint8 [N,3,S,S], one subject each
  at::Tensor boxes;       // [N,4] jittered ground-truth boxes
  at::Tensor identity;    // [N] index into catalog.identities
  at::Tensor category;    // [N] index into catalog.categories
};

/// (clean, degraded) image pairs of the same scene, with the degradation used.
struct PairBatch {
  at::Tensor better, worse;  // uint8 [B,3,S,S]
  std::vector<int> kind;     // index into degradationNames()
};

/// Names of the aesthetic pair kinds, in PairBatch::kind order.
const std::vector<const char*>& degradationNames();

/// Renders batches from one catalog, deterministic from the seed. One maker per thread.
class WorldBatchMaker {
 public:
  WorldBatchMaker(const world::WorldCatalog& catalog, std::optional<world::Split> split, std::uint64_t seed, int size = 64);

  /// Scenes of 1-4 subjects with accessories and actions (each subject: an accessory with
  /// probability 0.35, an action with `actionChance`); some repeat a category (two instances,
  /// possibly two vendors) so the detector learns several instances per phrase.
  SceneBatch scenes(int batch, double actionChance = 0.35);

  /// `categories` categories x up to `identitiesPerCategory` vendors x `views` views each:
  /// each view the identity alone in a random context (background, action, accessory, size,
  /// position). Only categories with at least two identities in the split are drawn.
  ViewBatch views(int categories, int identitiesPerCategory, int views);

  /// Views of given identities (index into catalog.identities), `views` each.
  ViewBatch viewsOf(const std::vector<std::size_t>& identities, int views);

  /// Clean renders paired with a degraded copy (blur, noise, banding, colour cast,
  /// compression, artifacts, overlapping subjects, cut-off subject).
  PairBatch pairs(int batch);

  const WorldIndex& index() const { return index_; }
  world::Rng& rng() { return rng_; }
  world::SceneRenderer& renderer() { return renderer_; }

 private:
  world::Scene randomScene(int subjects, double accessoryChance, double actionChance);
  world::Scene viewScene(std::size_t identity);

  const world::WorldCatalog& catalog_;
  std::optional<world::Split> split_;
  world::Rng rng_;
  int size_;
  world::SceneRenderer renderer_;
  WorldIndex index_;
  std::vector<std::vector<std::size_t>> identitiesByCategory_;  // split members only
  std::vector<std::size_t> multiVendorCategories_;
};

/// Detector ground truth of one rendered scene (appended to the vectors of a batch).
void appendTargets(const world::WorldCatalog& catalog, const WorldIndex& index, const world::Scene& scene,
                   const world::Rendering& rendering, std::int64_t imageIndex, std::vector<float>& boxes,
                   std::vector<std::int64_t>& imageIndexOut, std::vector<std::int64_t>& category,
                   std::vector<float>& accessories, std::vector<std::int64_t>& action);

/// Stacks images (uint8 [3,S,S] each) into [N,3,S,S].
at::Tensor stackImages(const std::vector<world::Image>& images);

}  // namespace psr::perceive_data
