#pragma once
#include "pipeline/subset.h"
#include "world/catalog_rules.h"
#include "world/rng.h"
#include "world/scene.h"

namespace psr::world {
struct WorldCatalog;
}

namespace psr::pipeline {

/// The stage-1 group scene of a sample: `subsetSubjects(subset)` subjects of distinct categories
/// from `split` only, plain (no accessories, no actions) so the stage-2 edit is what changes.
world::Scene planGroupScene(Subset subset, world::Split split, const world::WorldCatalog& catalog, world::Rng& rng);

/// The stage-2 re-edit of a group scene:
///   Attribute   a distinct accessory on every subject
///   Action      a distinct action for every subject
///   Background  another named background
///   Position    another spatial relation between subjects 1 and 2, boxes moved to satisfy it
///   Complex     another background, an accessory or an action per subject, another relation
///   Three/Four  another background (the multi-subject composition is the task)
/// Identities never change. Throws InvalidArgument when the catalog lacks what the edit needs.
world::Scene applyEdit(const world::Scene& source, Subset task, const world::WorldCatalog& catalog, world::Rng& rng);

/// Checks once, before a run, that the catalog can serve `subset` in `split`; throws
/// InvalidArgument saying what is missing (too few categories, accessories, actions...).
void checkCatalogServes(Subset subset, world::Split split, const world::WorldCatalog& catalog);

}  // namespace psr::pipeline
