#pragma once
// `psr eval compare A.json B.json [A2.json B2.json ...]`: two `psr eval generator` reports of the same scenes (same
// seed, samples, steps, guidance) compared sample by sample. Both models saw the same
// references, prompts and noise seeds, so the per-sample differences are paired; a paired
// bootstrap (one index draw shared by both models) gives intervals of the difference that are
// much tighter than the overlap of the two reports' own intervals.
#include <cstdint>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace psr::train_data {

/// Per subject count present in both: A − B for normalised consistency, PSR, semantic and
/// aesthetic (means with paired bootstrap 95 % intervals). Throws psr::Error when the reports
/// were not measured on the same scenes or lack per-sample values (reports written before
/// they were stored).
nlohmann::json compareEvalReports(const nlohmann::json& a, const nlohmann::json& b, int rounds = 2000,
                                  std::uint64_t seed = 7);

/// The same over several (A, B) pairs of other scenes (e.g. `--seed` 20261 and 20262), pooled:
/// each pair is checked as above, their samples are concatenated per subject count present in
/// every pair, and the statistics (normalised consistency as the ratio of pooled means) and the
/// paired bootstrap run over the pool. Pairs must share steps, guidance and split, and no two
/// may hold the same scenes (same seed and samples); "seeds" lists each pair's seed.
nlohmann::json compareEvalReportPairs(const std::vector<std::pair<nlohmann::json, nlohmann::json>>& pairs,
                                      int rounds = 2000, std::uint64_t seed = 7);

}  // namespace psr::train_data
