#include "perceive_data/world_vocabulary.h"

#include "common/error.h"

namespace psr::perceive_data {

std::int64_t WorldIndex::categoryOf(const world::WorldCatalog& catalog, const std::string& identity) const {
  const auto* id = catalog.findIdentity(identity);
  if (!id) throw Error("unknown identity " + identity, ErrorCode::InvalidArgument);
  return std::int64_t(id->category);
}

WorldIndex worldIndex(const world::WorldCatalog& c) {
  WorldIndex w;
  for (const auto& cat : c.categories) w.vocabulary.categories.push_back({cat.key, {cat.noun}});
  for (const auto& a : c.accessories) {
    w.accessory[a.spec.name] = std::int64_t(w.vocabulary.accessories.size());
    w.vocabulary.accessories.push_back({a.spec.name, {a.spec.name}});
  }
  w.vocabulary.actions.push_back({"none", {}});
  for (const auto& a : c.actions) {
    w.action[a.name] = std::int64_t(w.vocabulary.actions.size());
    auto phrases = a.instruction;
    phrases.push_back(a.gerund);
    w.vocabulary.actions.push_back({a.name, phrases});
  }
  for (const auto& b : c.backgrounds) {
    w.background[b.name] = std::int64_t(w.vocabulary.backgrounds.size());
    w.vocabulary.backgrounds.push_back({b.name, b.phrases});
  }
  return w;
}

}  // namespace psr::perceive_data
