#pragma once
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "world/catalog_rules.h"
#include "world/world_spec.h"

namespace psr::store {
class Database;
class Workspace;
}  // namespace psr::store

namespace psr::world {

/// An artwork vendor (one pinned npm package).
struct VendorInfo {
  std::string name, title, package, version, license;
};

/// A subject category: one codepoint, one prompt noun, one split.
struct Category {
  std::string key, noun, group, subgroup;
  Split split = Split::Train;
};

/// One look of a category: (vendor, codepoint), named "vendor/codepoint" in scenes.
struct Identity {
  std::string name;          // "fluent/1f980"
  std::size_t category = 0;  // index into WorldCatalog::categories
  std::string vendor;
  std::filesystem::path asset;
  Split split = Split::Train;
};

/// An accessory with its artwork file.
struct Accessory {
  AccessorySpec spec;
  std::filesystem::path asset;
};

/// The world a workspace holds, in memory; asset paths are absolute.
struct WorldCatalog {
  std::vector<VendorInfo> vendors;
  std::vector<Category> categories;
  std::vector<Identity> identities;
  std::vector<Accessory> accessories;
  std::vector<ActionSpec> actions;
  std::vector<BackgroundSpec> backgrounds;

  /// Loads the catalog written by `psr assets import`; throws NotFound naming the command when
  /// the workspace has none.
  static WorldCatalog load(store::Workspace& workspace);

  /// Rebuilds the name lookups after the vectors were filled or changed.
  void reindex();
  const Identity* findIdentity(std::string_view name) const;
  const Accessory* findAccessory(std::string_view name) const;
  const ActionSpec* findAction(std::string_view name) const;
  const BackgroundSpec* findBackground(std::string_view name) const;
  const Category& categoryOf(const Identity& identity) const { return categories.at(identity.category); }

 private:
  std::map<std::string, std::size_t, std::less<>> identityIndex_, accessoryIndex_, actionIndex_, backgroundIndex_;
};

/// Counts of `psr world stats`.
struct WorldStats {
  long long vendors = 0, categories = 0, identities = 0, heldoutCategories = 0, heldoutIdentities = 0;
  long long accessories = 0, actions = 0, backgrounds = 0;
  std::map<std::string, long long> identitiesByVendor;

  nlohmann::json toJson() const;
};

/// Counts the catalog tables of a workspace database.
WorldStats worldStats(store::Database& db);

}  // namespace psr::world
