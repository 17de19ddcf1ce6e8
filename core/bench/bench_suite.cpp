#include "bench/bench_suite.h"

#include <algorithm>

#include "common/error.h"
#include "pipeline/scene_edits.h"
#include "store/workspace.h"
#include "world/catalog.h"
#include "world/image_codec.h"
#include "world/prompts.h"
#include "world/renderer.h"
#include "world/rng.h"
#include "world/scene.h"
#include "world/scene_sampler.h"

namespace psr::bench {

using nlohmann::json;
using pipeline::Subset;

namespace {

json categoriesJson(const std::vector<ItemCategory>& categories) {
  json out = json::array();
  for (const auto& c : categories) out.push_back({{"key", c.key}, {"noun", c.noun}});
  return out;
}

std::vector<ItemCategory> categoriesFromJson(const json& j) {
  std::vector<ItemCategory> out;
  for (const auto& c : j) out.push_back({c.value("key", ""), c.value("noun", "")});
  return out;
}

void insertItems(store::Database& db, std::int64_t suiteId, const std::vector<SuiteItem>& items) {
  auto insert = db.prepare(
      "INSERT INTO bench_items(suite_id, sample_id, subset, instruction, categories, scene, ref_blobs, oracle_blob, "
      "source, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& item : items) {
    insert.reset();
    insert.bind(1, suiteId)
        .bind(2, item.id)
        .bind(3, std::string_view(pipeline::subsetName(item.subset)))
        .bind(4, std::string_view(item.instruction))
        .bind(5, std::string_view(categoriesJson(item.categories).dump()));
    if (item.scene.is_null()) insert.bindNull(6);
    else insert.bind(6, std::string_view(item.scene.dump()));
    insert.bind(7, std::string_view(json(item.referenceBlobs).dump()));
    if (item.oracleBlob.empty()) insert.bindNull(8);
    else insert.bind(8, std::string_view(item.oracleBlob));
    insert.bind(9, std::string_view(item.source.dump()));
    if (item.error.empty()) insert.bindNull(10);
    else insert.bind(10, std::string_view(item.error));
    insert.run();
  }
}

}  // namespace

std::vector<const SuiteItem*> Suite::select(const std::vector<Subset>& subsets) const {
  std::vector<const SuiteItem*> out;
  for (const auto& item : items) {
    if (subsets.empty() || std::find(subsets.begin(), subsets.end(), item.subset) != subsets.end())
      out.push_back(&item);
  }
  return out;
}

std::vector<Subset> parseSubsets(const std::vector<std::string>& names) {
  std::vector<Subset> out;
  for (const auto& n : names) {
    if (n == "all") return {pipeline::kAllSubsets.begin(), pipeline::kAllSubsets.end()};
    const Subset s = pipeline::parseSubset(n);
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  if (out.empty()) return {pipeline::kAllSubsets.begin(), pipeline::kAllSubsets.end()};
  return out;
}

std::int64_t storeSuite(store::Workspace& ws, Suite& suite) {
  auto& db = ws.db();
  store::Transaction tx(db);
  auto exists = db.prepare("SELECT count(*) FROM bench_suites WHERE name = ?");
  exists.bind(1, std::string_view(suite.name));
  exists.step();
  if (exists.columnInt(0) > 0) {
    throw Error("a benchmark suite named '" + suite.name + "' exists already; pick another --name or delete it with "
                    "`psr bench suite delete " + suite.name + "`",
                ErrorCode::InvalidArgument);
  }
  db.prepare("INSERT INTO bench_suites(name, source, split, seed, config) VALUES (?, ?, ?, ?, ?)")
      .bind(1, std::string_view(suite.name))
      .bind(2, std::string_view(suite.source))
      .bind(3, std::string_view(suite.split))
      .bind(4, std::int64_t(suite.seed))
      .bind(5, std::string_view(suite.config.dump()))
      .run();
  suite.id = db.lastInsertId();
  insertItems(db, suite.id, suite.items);
  tx.commit();
  return suite.id;
}

Suite createSuite(store::Workspace& ws, const world::WorldCatalog& catalog, const SuiteOptions& o) {
  if (o.samples < 1 || o.samples > 100000) throw Error("--samples must be 1..100000", ErrorCode::InvalidArgument);
  if (o.imageSize < 16 || o.imageSize > 1024) throw Error("--size must be 16..1024", ErrorCode::InvalidArgument);
  if (findSuite(ws, o.name)) {
    throw Error("a benchmark suite named '" + o.name + "' exists already; suites are frozen (delete it with "
                    "`psr bench suite delete " + o.name + "` to make a new one)",
                ErrorCode::InvalidArgument);
  }
  for (Subset s : pipeline::kAllSubsets) pipeline::checkCatalogServes(s, o.split, catalog);
  Suite suite;
  suite.name = o.name;
  suite.source = "builtin";
  suite.split = world::splitName(o.split);
  suite.seed = o.seed;
  suite.config = {{"samples_per_subset", o.samples}, {"image_size", o.imageSize}, {"split", suite.split},
                  {"seed", o.seed}, {"world_categories", catalog.categories.size()},
                  {"world_identities", catalog.identities.size()}};
  world::SceneRenderer renderer(catalog);
  std::int64_t next = 0;
  for (Subset subset : pipeline::kAllSubsets) {
    // One stream per subset, so adding samples to one subset never changes another's.
    world::Rng rng(o.seed ^ world::stableHash(std::string("psr-bench-v1:") + pipeline::subsetName(subset)));
    for (int i = 0; i < o.samples; ++i) {
      SuiteItem item;
      item.id = next++;
      item.subset = subset;
      const auto group = pipeline::planGroupScene(subset, o.split, catalog, rng);
      const auto scene = pipeline::applyEdit(group, subset, catalog, rng);
      item.instruction = world::instruction(scene, catalog, rng);
      item.scene = world::toJson(scene);
      for (std::size_t k = 0; k < scene.subjects.size(); ++k) {
        const auto* identity = catalog.findIdentity(scene.subjects[k].identity);
        const auto& category = catalog.categoryOf(*identity);
        item.categories.push_back({category.key, category.noun});
        const auto reference = world::makeReferenceScene(scene, int(k), catalog, rng);
        const auto png = world::encodePng(renderer.render(reference, rng.next(), o.imageSize).image);
        item.referenceBlobs.push_back(ws.putBlob(png, "image/png"));
      }
      item.oracleBlob = ws.putBlob(world::encodePng(renderer.render(scene, rng.next(), o.imageSize).image), "image/png");
      suite.items.push_back(std::move(item));
    }
  }
  storeSuite(ws, suite);
  return suite;
}

std::optional<Suite> findSuite(store::Workspace& ws, const std::string& name) {
  auto& db = ws.db();
  auto head = db.prepare("SELECT id, source, split, seed, config FROM bench_suites WHERE name = ?");
  head.bind(1, std::string_view(name));
  if (!head.step()) return std::nullopt;
  Suite suite;
  suite.id = head.columnInt(0);
  suite.name = name;
  suite.source = head.columnText(1);
  suite.split = head.columnText(2);
  suite.seed = std::uint64_t(head.columnInt(3));
  suite.config = json::parse(head.columnText(4), nullptr, false);
  if (suite.config.is_discarded()) suite.config = json::object();
  auto rows = db.prepare(
      "SELECT sample_id, subset, instruction, categories, scene, ref_blobs, oracle_blob, source, error "
      "FROM bench_items WHERE suite_id = ? ORDER BY sample_id");
  rows.bind(1, suite.id);
  while (rows.step()) {
    SuiteItem item;
    item.id = rows.columnInt(0);
    item.subset = pipeline::parseSubset(rows.columnText(1));
    item.instruction = rows.columnText(2);
    const auto cats = json::parse(rows.columnText(3), nullptr, false);
    if (cats.is_array()) item.categories = categoriesFromJson(cats);
    if (!rows.columnIsNull(4)) item.scene = json::parse(rows.columnText(4), nullptr, false);
    if (item.scene.is_discarded()) item.scene = nullptr;
    const auto refs = json::parse(rows.columnText(5), nullptr, false);
    if (refs.is_array()) item.referenceBlobs = refs.get<std::vector<std::string>>();
    if (!rows.columnIsNull(6)) item.oracleBlob = rows.columnText(6);
    item.source = json::parse(rows.columnText(7), nullptr, false);
    if (item.source.is_discarded()) item.source = json::object();
    if (!rows.columnIsNull(8)) item.error = rows.columnText(8);
    suite.items.push_back(std::move(item));
  }
  return suite;
}

Suite loadSuite(store::Workspace& ws, const std::string& name) {
  auto suite = findSuite(ws, name);
  if (!suite) {
    throw Error("no benchmark suite named '" + name + "' in this workspace; create it with `psr bench suite create" +
                    (name == kBuiltinSuite || name == kSeenSuite ? std::string("`") : " --name " + name + "`") +
                    " or import one with `psr bench import-psrbench DIR`",
                ErrorCode::NotFound);
  }
  return std::move(*suite);
}

std::vector<std::string> ensureBuiltinSuites(store::Workspace& ws, const world::WorldCatalog& catalog, int samples,
                                             std::uint64_t seed) {
  std::vector<std::string> created;
  if (!findSuite(ws, kBuiltinSuite)) {
    SuiteOptions o;
    o.samples = samples;
    o.seed = seed;
    createSuite(ws, catalog, o);
    created.push_back(kBuiltinSuite);
  }
  if (!findSuite(ws, kSeenSuite)) {
    SuiteOptions o;
    o.name = kSeenSuite;
    o.samples = std::min(samples, kSeenSamples);
    o.seed = seed + 1;
    o.split = world::Split::Train;
    createSuite(ws, catalog, o);
    created.push_back(kSeenSuite);
  }
  return created;
}

json listSuites(store::Workspace& ws) {
  json out = json::array();
  auto rows = ws.db().prepare(
      "SELECT s.name, s.source, s.split, s.seed, s.created_at, "
      "  (SELECT count(*) FROM bench_items i WHERE i.suite_id = s.id), "
      "  (SELECT count(*) FROM bench_items i WHERE i.suite_id = s.id AND i.error IS NOT NULL), "
      "  (SELECT count(*) FROM bench_runs r WHERE r.suite = s.name) "
      "FROM bench_suites s ORDER BY s.id");
  while (rows.step()) {
    out.push_back({{"name", rows.columnText(0)},
                   {"source", rows.columnText(1)},
                   {"split", rows.columnText(2)},
                   {"seed", rows.columnInt(3)},
                   {"created_at", rows.columnText(4)},
                   {"items", rows.columnInt(5)},
                   {"item_errors", rows.columnInt(6)},
                   {"runs", rows.columnInt(7)}});
  }
  return out;
}

bool deleteSuite(store::Workspace& ws, const std::string& name) {
  auto& db = ws.db();
  store::Transaction tx(db);
  db.prepare("DELETE FROM bench_runs WHERE suite = ?").bind(1, std::string_view(name)).run();
  db.prepare("DELETE FROM bench_suites WHERE name = ?").bind(1, std::string_view(name)).run();
  const bool deleted = db.changes() > 0;
  tx.commit();
  return deleted;
}

}  // namespace psr::bench
