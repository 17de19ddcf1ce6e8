#include "world/catalog.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "store/workspace.h"

namespace psr::world {
namespace {

Split splitFrom(const std::string& text) { return text == "heldout" ? Split::Heldout : Split::Train; }

template <typename T, typename NameOf>
void indexBy(const std::vector<T>& items, std::map<std::string, std::size_t, std::less<>>& index, NameOf nameOf) {
  index.clear();
  for (std::size_t i = 0; i < items.size(); ++i) index.emplace(nameOf(items[i]), i);
}

template <typename T>
const T* lookup(const std::vector<T>& items, const std::map<std::string, std::size_t, std::less<>>& index,
                std::string_view name) {
  const auto it = index.find(name);
  return it == index.end() ? nullptr : &items[it->second];
}

}  // namespace

WorldCatalog WorldCatalog::load(store::Workspace& workspace) {
  auto& db = workspace.db();
  if (db.queryInt("SELECT count(*) FROM world_identities") == 0) {
    throw Error("workspace " + workspace.dir().string() +
                    " has no emoji world yet: run `./packaging/fetch-assets.sh` and then `psr assets import`",
                ErrorCode::NotFound);
  }
  const auto root = workspace.dir();
  WorldCatalog c;
  auto vendors = db.prepare("SELECT name, title, package, version, license FROM world_vendors ORDER BY id");
  while (vendors.step()) {
    c.vendors.push_back({vendors.columnText(0), vendors.columnText(1), vendors.columnText(2), vendors.columnText(3),
                         vendors.columnText(4)});
  }
  std::map<std::int64_t, std::size_t> categoryById;
  auto cats = db.prepare("SELECT id, codepoint, noun, grp, subgroup, split FROM world_categories ORDER BY id");
  while (cats.step()) {
    categoryById[cats.columnInt(0)] = c.categories.size();
    c.categories.push_back({cats.columnText(1), cats.columnText(2), cats.columnText(3), cats.columnText(4),
                            splitFrom(cats.columnText(5))});
  }
  auto ids = db.prepare(
      "SELECT i.category_id, v.name, i.asset, i.split, c.codepoint, i.variant FROM world_identities i "
      "JOIN world_vendors v ON v.id = i.vendor_id JOIN world_categories c ON c.id = i.category_id ORDER BY i.id");
  while (ids.step()) {
    Identity id;
    id.category = categoryById.at(ids.columnInt(0));
    id.vendor = ids.columnText(1);
    id.asset = root / ids.columnText(2);
    id.split = splitFrom(ids.columnText(3));
    const std::string variant = ids.columnText(5);
    id.name = id.vendor + "/" + ids.columnText(4) + (variant.empty() ? "" : "~" + variant);
    c.identities.push_back(std::move(id));
  }
  auto accs = db.prepare(
      "SELECT name, codepoint, asset, anchor_x, anchor_y, pivot_x, pivot_y, width, behind FROM world_accessories "
      "ORDER BY id");
  while (accs.step()) {
    Accessory a;
    a.spec = {accs.columnText(0), accs.columnText(1), accs.columnDouble(3), accs.columnDouble(4),
              accs.columnDouble(5), accs.columnDouble(6), accs.columnDouble(7), accs.columnInt(8) != 0};
    a.asset = root / accs.columnText(2);
    c.accessories.push_back(std::move(a));
  }
  auto actions = db.prepare("SELECT spec FROM world_actions ORDER BY id");
  while (actions.step()) {
    ActionSpec a = actionFromJson(nlohmann::json::parse(actions.columnText(0)));
    if (a.effect && !a.effect->asset.empty()) a.effect->asset = (root / a.effect->asset).string();
    c.actions.push_back(std::move(a));
  }
  auto backgrounds = db.prepare("SELECT spec FROM world_backgrounds ORDER BY id");
  while (backgrounds.step()) {
    BackgroundSpec b = backgroundFromJson(nlohmann::json::parse(backgrounds.columnText(0)));
    if (!b.asset.empty()) b.asset = (root / b.asset).string();
    c.backgrounds.push_back(std::move(b));
  }
  c.reindex();
  return c;
}

void WorldCatalog::reindex() {
  indexBy(identities, identityIndex_, [](const Identity& i) { return i.name; });
  indexBy(accessories, accessoryIndex_, [](const Accessory& a) { return a.spec.name; });
  indexBy(actions, actionIndex_, [](const ActionSpec& a) { return a.name; });
  indexBy(backgrounds, backgroundIndex_, [](const BackgroundSpec& b) { return b.name; });
}

const Identity* WorldCatalog::findIdentity(std::string_view name) const {
  return lookup(identities, identityIndex_, name);
}
const Accessory* WorldCatalog::findAccessory(std::string_view name) const {
  return lookup(accessories, accessoryIndex_, name);
}
const ActionSpec* WorldCatalog::findAction(std::string_view name) const { return lookup(actions, actionIndex_, name); }
const BackgroundSpec* WorldCatalog::findBackground(std::string_view name) const {
  return lookup(backgrounds, backgroundIndex_, name);
}

nlohmann::json WorldStats::toJson() const {
  return {{"vendors", vendors},
          {"categories", categories},
          {"identities", identities},
          {"heldout_categories", heldoutCategories},
          {"heldout_identities", heldoutIdentities},
          {"accessories", accessories},
          {"actions", actions},
          {"backgrounds", backgrounds},
          {"identities_by_vendor", identitiesByVendor}};
}

WorldStats worldStats(store::Database& db) {
  WorldStats s;
  s.vendors = db.queryInt("SELECT count(*) FROM world_vendors");
  s.categories = db.queryInt("SELECT count(*) FROM world_categories");
  s.identities = db.queryInt("SELECT count(*) FROM world_identities");
  s.heldoutCategories = db.queryInt("SELECT count(*) FROM world_categories WHERE split = 'heldout'");
  s.heldoutIdentities = db.queryInt("SELECT count(*) FROM world_identities WHERE split = 'heldout'");
  s.accessories = db.queryInt("SELECT count(*) FROM world_accessories");
  s.actions = db.queryInt("SELECT count(*) FROM world_actions");
  s.backgrounds = db.queryInt("SELECT count(*) FROM world_backgrounds");
  auto st = db.prepare(
      "SELECT v.name, count(i.id) FROM world_vendors v LEFT JOIN world_identities i ON i.vendor_id = v.id "
      "GROUP BY v.id ORDER BY v.id");
  while (st.step()) s.identitiesByVendor[st.columnText(0)] = st.columnInt(1);
  return s;
}

}  // namespace psr::world
