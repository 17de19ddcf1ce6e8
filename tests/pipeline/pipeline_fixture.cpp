#include "pipeline_fixture.h"

#include <string>

#include "world/asset_import.h"
#include "world_fixture.h"

namespace {

// Fixture artwork files the added identities reuse, so renders stay real images.
constexpr const char* kArtwork[] = {"assets/google/1f980.png", "assets/twitter/1fad6.png", "assets/openmoji/1f980.png",
                                    "assets/google/1f415.png", "assets/fluent/1f980.png",  "assets/google/1f34e.png"};

void addCategory(psr::store::Database& db, const std::string& key, const std::string& noun, const char* split, int n) {
  db.prepare("INSERT INTO world_categories(codepoint, noun, grp, subgroup, split) VALUES (?, ?, 'Test', 'test', ?)")
      .bind(1, std::string_view(key))
      .bind(2, std::string_view(noun))
      .bind(3, std::string_view(split))
      .run();
  const std::int64_t category = db.lastInsertId();
  for (int v = 0; v < 2; ++v) {
    db.prepare(
          "INSERT INTO world_identities(category_id, vendor_id, asset, split) "
          "VALUES (?, (SELECT id FROM world_vendors ORDER BY id LIMIT 1 OFFSET ?), ?, ?)")
        .bind(1, category)
        .bind(2, std::int64_t(v))
        .bind(3, std::string_view(kArtwork[(n + v) % 6]))
        .bind(4, std::string_view(split))
        .run();
  }
}

}  // namespace

std::unique_ptr<psr::store::Workspace> makePipelineWorkspace(const std::filesystem::path& dir, bool heldout) {
  const auto lock = makeFixturePackages(dir / "npm");
  auto ws = psr::store::Workspace::create(dir / "ws");
  psr::world::ImportOptions options;
  options.fromDir = dir / "npm";
  psr::world::importAssets(*ws, options, lock);
  auto& db = ws->db();
  psr::store::Transaction tx(db);
  db.exec("UPDATE world_categories SET split = 'train'; UPDATE world_identities SET split = 'train'");
  const char* train[] = {"fox", "owl", "kite", "drum"};
  const char* held[] = {"lamp", "boat", "bell", "cup"};
  for (int i = 0; i < 4; ++i) addCategory(db, "t" + std::to_string(i), train[i], "train", i);
  for (int i = 0; heldout && i < 4; ++i) addCategory(db, "h" + std::to_string(i), held[i], "heldout", i + 2);
  for (const char* name : {"scarf", "top hat", "ribbon"}) {
    db.prepare(
          "INSERT INTO world_accessories(name, codepoint, asset, anchor_x, anchor_y, pivot_x, pivot_y, width, behind) "
          "SELECT ?, codepoint, asset, anchor_x, anchor_y, pivot_x, pivot_y, width, behind FROM world_accessories "
          "WHERE name = 'crown'")
        .bind(1, std::string_view(name))
        .run();
  }
  tx.commit();
  return ws;
}
