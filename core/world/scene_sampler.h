#pragma once
#include <optional>

#include "world/catalog_rules.h"
#include "world/rng.h"
#include "world/scene.h"

namespace psr::world {

struct WorldCatalog;

/// What a random scene should contain.
struct SceneRequest {
  int subjects = 2;                 // 1-4
  std::optional<Split> split;       // only identities of this split
  double accessoryChance = 0.3;     // per subject
  double actionChance = 0.3;        // per subject
  bool relation = true;             // relate subjects 1 and 2 (two or more subjects)
};

/// A random valid scene: distinct categories, boxes that do not overlap (IoU < 0.1) and
/// satisfy the relation by the PSRBench rule.
Scene randomScene(const WorldCatalog& catalog, Rng& rng, const SceneRequest& request);

/// The reference scene of subject `index` of `target`: the same identity alone, in a different
/// context (another background, another action, the other size, the other side of the canvas,
/// no accessories), so that copying reference pixels cannot reproduce the target.
Scene makeReferenceScene(const Scene& target, int index, const WorldCatalog& catalog, Rng& rng);

}  // namespace psr::world
