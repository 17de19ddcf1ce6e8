#pragma once
#include <filesystem>
#include <memory>

#include "store/workspace.h"

/// A workspace holding tests/world's fixture world, enriched so that every subset can be served:
/// 8 train categories (the fixture's 4 plus 4 more) and, with `heldout`, 4 held-out ones, two
/// identities each for the added ones (reusing fixture artwork), and 4 accessories.
/// Without `heldout` the catalog has no held-out identity at all.
std::unique_ptr<psr::store::Workspace> makePipelineWorkspace(const std::filesystem::path& dir, bool heldout = true);
