// Scene JSON (scene files for `psr world render --scene`, samples' scene_json column): parsing,
// validation against a catalog, and the toJson round trip.
#include <nlohmann/json.hpp>

#include "fuzz_common.h"
#include "world/catalog.h"
#include "world/scene.h"
#include "world/world_spec.h"

namespace {

/// The built-in world's actions, accessories and backgrounds plus a few identities, as the
/// catalog of an imported workspace would hold them (no artwork files are needed to validate).
const psr::world::WorldCatalog& catalog() {
  static const psr::world::WorldCatalog c = [] {
    psr::world::WorldCatalog cat;
    const auto& spec = psr::world::worldSpec();
    cat.actions = spec.actions;
    cat.backgrounds = spec.backgrounds;
    for (const auto& a : spec.accessories) cat.accessories.push_back({a, {}});
    const char* keys[] = {"1f980", "1f436", "1f431", "1f34e"};
    for (const char* key : keys) {
      psr::world::Category category;
      category.key = key;
      category.noun = key;
      cat.categories.push_back(category);
      for (const char* vendor : {"fluent", "google", "twitter"}) {
        psr::world::Identity id;
        id.name = std::string(vendor) + "/" + key;
        id.category = cat.categories.size() - 1;
        id.vendor = vendor;
        cat.identities.push_back(id);
      }
    }
    cat.reindex();
    return cat;
  }();
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& cat = catalog();
  refusalOk([&] {
    const psr::world::Scene scene = psr::world::sceneFromText(fuzzText(data, size));
    // What was read writes back to JSON that reads back to the same scene.
    const nlohmann::json once = psr::world::toJson(scene);
    const nlohmann::json twice = psr::world::toJson(psr::world::sceneFromJson(once));
    PSR_FUZZ_CHECK(once.dump() == twice.dump());
    psr::world::validateScene(scene, cat);
    // A valid scene's relations hold and name real subjects.
    for (const auto& r : scene.relations) PSR_FUZZ_CHECK(psr::world::relationHolds(scene, r));
  });
  return 0;
}
