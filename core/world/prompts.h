#pragma once
#include <string>

#include "world/rng.h"
#include "world/scene.h"

namespace psr::world {

struct WorldCatalog;

/// Text-to-image prompt for a whole scene, e.g. "A small crab wearing a crown is jumping to
/// the left of a large teapot, on a beach." Templates are chosen by `rng`.
std::string t2iPrompt(const Scene& scene, const WorldCatalog& catalog, Rng& rng);

/// Prompt that places one subject alone in its reference scene ("A crab sleeping in a park.").
std::string subjectScenePrompt(const Scene& referenceScene, const WorldCatalog& catalog, Rng& rng);

/// Editing-style instruction for a target scene. Names every subject by its category noun and
/// never describes how a subject looks (no colours, no sizes), as the paper's instructions do.
std::string instruction(const Scene& scene, const WorldCatalog& catalog, Rng& rng);

}  // namespace psr::world
