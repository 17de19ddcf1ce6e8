#pragma once
// PSRBench interop. The official layout is a folder with Attribute.json ... Four.json, each a
// list of items {"instruction", "input_path": [reference paths], "category1" ... "categoryN",
// optionally "result_path": an image generated elsewhere}; paths are relative to the folder.
// `import-psrbench` freezes such a folder as a suite (references copied into the workspace) and,
// when results are given, scores them with the benchmark's metrics; `export-psrbench` writes a
// stored suite (and one model's outputs as result_path) in that layout.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "bench/bench_runner.h"
#include "bench/psrbench_items.h"  // parsePsrBenchItems, resolveInside

namespace psr::perceive {
struct PerceptionModels;
}
namespace psr::store {
class Workspace;
}

namespace psr::bench {

struct PsrBenchImportOptions {
  std::filesystem::path dir;
  /// Optional results file: {"Attribute": ["path or null per item", ...], ...} or
  /// [{"subset": "Attribute", "index": 0, "result_path": "..."}]; paths relative to `dir`.
  std::filesystem::path results;
  std::string name;   ///< suite name (default "psrbench:" + folder name)
  std::string label;  ///< label of the results (default "external:" + folder name)
  bool replace = false;  ///< replace a stored suite of that name (and its runs)
  /// Scoring settings for the results (cancel, progress, batch, seeds unused: one seed 0).
  RunOptions run;
};

/// Imports the folder (per-item problems are stored and reported, never fatal: a path leaving
/// the folder, a missing or unreadable image, an unknown category, a missing field) and scores the
/// results if any. Returns {"suite", "items", "usable", "by_subset", "item_errors": [{file, index,
/// sample_id, error}], "files": {file: "ok" | error}, "results": n, "run": runBench's report}.
/// Throws NotFound when the folder holds none of the seven files.
nlohmann::json importPsrBench(store::Workspace& workspace, perceive::PerceptionModels& perception,
                              const PsrBenchImportOptions& options);

struct PsrBenchExportOptions {
  std::filesystem::path outDir;
  std::string suite = "builtin";
  std::string model;  ///< a label with runs on the suite: its outputs become result_path ("" = none)
  int seed = 0;       ///< which seed replicate's outputs
};

/// Writes the layout; returns {"out", "items", "by_subset", "references", "results", "skipped"}.
nlohmann::json exportPsrBenchSuite(store::Workspace& workspace, const PsrBenchExportOptions& options);

}  // namespace psr::bench
