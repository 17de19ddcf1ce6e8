#pragma once
// The bridge from the emoji world's catalog to the perception models' output indices.
#include <map>
#include <string>

#include "perceive/vocabulary.h"
#include "world/catalog.h"

namespace psr::perceive_data {

/// Catalog names -> model indices (category = catalog order, action 0 = none).
struct WorldIndex {
  perceive::Vocabulary vocabulary;
  std::map<std::string, std::int64_t> accessory, action, background;

  std::int64_t categoryOf(const world::WorldCatalog& catalog, const std::string& identity) const;
};

/// The vocabulary of a catalog: category nouns, accessory names, action names with their
/// instruction phrases and gerund, background names with their prompt phrases.
WorldIndex worldIndex(const world::WorldCatalog& catalog);

}  // namespace psr::perceive_data
