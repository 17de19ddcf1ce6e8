#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace psr::store {
class Database;
}

namespace psr::pipeline {

/// `psr data stats`: {"datasets": {name: samples}, "samples": {subset: {split: n}}, "total",
/// "reviews": {"accepted", "rejected", "unreviewed"}, "runs": [the last 10 synthesis runs with
/// id, dataset, state, produced, attempted, count, subset, split, rejects, started_at]}.
nlohmann::json datasetStats(store::Database& db);

/// The human-readable form of datasetStats' JSON.
std::string formatDatasetStats(const nlohmann::json& stats);

}  // namespace psr::pipeline
