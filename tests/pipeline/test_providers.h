#pragma once
// Deliberately faulty providers, so each filter's reject reason can be provoked.
#include "pipeline/providers.h"

namespace psr::world {
struct WorldCatalog;
}

/// Built-in providers except that references are the stage-1 group image itself and the editor
/// changes nothing: every target crop is a copy of its reference crop.
psr::pipeline::ProviderSet leakyProviders(const psr::world::WorldCatalog& catalog);

/// Built-in providers with a scorer that finds every pair inconsistent (0.1).
psr::pipeline::ProviderSet inconsistentProviders(const psr::world::WorldCatalog& catalog);

/// Built-in providers with a detector that is never sure (confidence 0.2).
psr::pipeline::ProviderSet unsureProviders(const psr::world::WorldCatalog& catalog);
