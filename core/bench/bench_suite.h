#pragma once
// Benchmark suites frozen in the workspace (tables bench_suites / bench_items, schema v5): the
// built-in PSRBench-style suite on held-out identities (seven subsets, 50 samples each by
// default), its seen-identity sanity twin, and suites imported from the official PSRBench layout.
// An item holds everything needed to score it again later without the world: the instruction,
// its subjects' categories (catalog key and prompt noun), the reference images (blobs), and for
// built-in suites the ground-truth scene and its render (the oracle).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/subset.h"
#include "world/catalog_rules.h"

namespace psr::store {
class Workspace;
}
namespace psr::world {
struct WorldCatalog;
}

namespace psr::bench {

/// One subject of an item: the catalog key ("1f980") when known, and the phrase prompts use.
struct ItemCategory {
  std::string key;
  std::string noun;
};

struct SuiteItem {
  std::int64_t id = 0;  ///< sample id inside the suite (stable; bench_results.sample_id)
  pipeline::Subset subset = pipeline::Subset::Attribute;
  std::string instruction;
  std::vector<ItemCategory> categories;
  std::vector<std::string> referenceBlobs;  ///< slot order; one per subject
  std::string oracleBlob;                   ///< world render of the scene ("" for imported items)
  nlohmann::json scene;                     ///< ground-truth scene JSON (null for imported items)
  nlohmann::json source = nlohmann::json::object();  ///< imported: file, index, paths
  std::string error;                        ///< why the item cannot be scored ("" = fine)
};

struct Suite {
  std::int64_t id = 0;
  std::string name;
  std::string source;  ///< "builtin" or "psrbench"
  std::string split;   ///< "heldout", "train" or "" (imported)
  std::uint64_t seed = 0;
  nlohmann::json config = nlohmann::json::object();
  std::vector<SuiteItem> items;

  /// Items of the given subsets (all when empty), in id order.
  std::vector<const SuiteItem*> select(const std::vector<pipeline::Subset>& subsets) const;
};

struct SuiteOptions {
  std::string name = "builtin";
  int samples = 50;  ///< per subset
  std::uint64_t seed = 20260;
  world::Split split = world::Split::Heldout;
  int imageSize = 64;  ///< references and oracle renders
};

/// The default sanity suite's name and size: the built-in suite on seen (train) identities.
inline constexpr const char* kBuiltinSuite = "builtin";
inline constexpr const char* kSeenSuite = "builtin-seen";
inline constexpr int kSeenSamples = 10;

/// Generates and stores a suite (deterministic from the seed: same seed, same catalog -> same
/// items and bytes). Throws InvalidArgument when a suite of that name exists or the catalog
/// cannot serve a subset in the split.
Suite createSuite(store::Workspace& workspace, const world::WorldCatalog& catalog, const SuiteOptions& options);

/// Loads a stored suite; nullopt when there is none of that name.
std::optional<Suite> findSuite(store::Workspace& workspace, const std::string& name);
/// Loads a stored suite; throws NotFound naming `psr bench suite create` when absent.
Suite loadSuite(store::Workspace& workspace, const std::string& name);

/// Creates `builtin` (held-out, `samples` per subset) and `builtin-seen` (train split,
/// kSeenSamples per subset) when absent; returns the names created.
std::vector<std::string> ensureBuiltinSuites(store::Workspace& workspace, const world::WorldCatalog& catalog,
                                             int samples = 50, std::uint64_t seed = 20260);

/// Stores a suite built elsewhere (the PSRBench importer); items keep their ids.
/// Throws InvalidArgument when the name is taken.
std::int64_t storeSuite(store::Workspace& workspace, Suite& suite);

/// Names, sources and item counts of every stored suite.
nlohmann::json listSuites(store::Workspace& workspace);

/// Deletes a suite and every run on it; false when absent.
bool deleteSuite(store::Workspace& workspace, const std::string& name);

/// "attribute attribute ..." -> subsets; "all" or empty -> all seven.
std::vector<pipeline::Subset> parseSubsets(const std::vector<std::string>& names);

}  // namespace psr::bench
