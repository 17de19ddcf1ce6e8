#pragma once
#include <filesystem>
#include <map>
#include <string>

namespace psr::store {
class Workspace;
}

namespace psr::pipeline {

/// Options of `psr data export psrbench`.
struct PsrBenchExportOptions {
  std::filesystem::path outDir;
  std::string dataset = "synthetic";
  std::string split = "heldout";  // the benchmark measures unseen subjects
  int perSubset = 0;              // 0: every sample; PSRBench itself has 50 per subset
};

/// What an export wrote.
struct PsrBenchExportReport {
  std::map<std::string, long long> itemsBySubset;
  long long images = 0;
};

/// Writes the official PSRBench layout: `Attribute.json … Four.json` under `outDir`, each a list
/// of {"instruction", "input_path": [reference paths relative to outDir], "category1", …,
/// "categoryN"}, and the reference PNGs under `outDir/subjects/<Subset>/<sample>_<slot>.png`.
/// Every subset file is written (an empty list when the dataset has none of it). Samples a
/// reviewer rejected are left out. Throws NotFound when no sample matches.
PsrBenchExportReport exportPsrBench(store::Workspace& workspace, const PsrBenchExportOptions& options);

}  // namespace psr::pipeline
