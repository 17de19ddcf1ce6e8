#pragma once
// `psr eval compare A.json B.json`: two `psr eval generator` reports of the same scenes (same
// seed, samples, steps, guidance) compared sample by sample. Both models saw the same
// references, prompts and noise seeds, so the per-sample differences are paired; a paired
// bootstrap (one index draw shared by both models) gives intervals of the difference that are
// much tighter than the overlap of the two reports' own intervals.
#include <cstdint>

#include <nlohmann/json.hpp>

namespace psr::train_data {

/// Per subject count present in both: A − B for normalised consistency, PSR, semantic and
/// aesthetic (means with paired bootstrap 95 % intervals). Throws psr::Error when the reports
/// were not measured on the same scenes or lack per-sample values (reports written before
/// they were stored).
nlohmann::json compareEvalReports(const nlohmann::json& a, const nlohmann::json& b, int rounds = 2000,
                                  std::uint64_t seed = 7);

}  // namespace psr::train_data
