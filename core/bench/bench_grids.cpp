#include "bench/bench_grids.h"

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "store/database.h"

namespace psr::bench {

namespace {

Grid gridOf(const SampleRows& rows) {
  Grid grid;
  grid.reserve(rows.size());
  for (const auto& [sample, row] : rows) grid.push_back(row);
  return grid;
}

/// Bootstraps every grid on its own and the overall column over all of them, in their order.
SubsetIntervals intervalsOf(const std::vector<std::pair<std::string, Grid>>& grids, int rounds,
                            std::uint64_t subsetSeed, std::uint64_t overallSeed) {
  SubsetIntervals out;
  std::vector<const Grid*> all;
  for (const auto& [subset, grid] : grids) {
    out[subset] = bootstrapGrid(grid, rounds, subsetSeed);
    all.push_back(&grid);
  }
  if (!grids.empty()) out[kOverall] = bootstrapMeanOfGrids(all, rounds, overallSeed);
  return out;
}

}  // namespace

const SampleRows& LabelValues::rows(const std::string& subset, const std::string& metric) const {
  static const SampleRows none;
  const auto s = subsets.find(subset);
  if (s == subsets.end()) return none;
  const auto m = s->second.find(metric);
  return m == s->second.end() ? none : m->second;
}

LabelValues loadLabelValues(store::Database& db, const std::string& suite, const std::string& label) {
  LabelValues v;
  std::map<std::int64_t, std::size_t> column;  // seed -> grid column
  {
    auto runs = db.prepare("SELECT seed FROM bench_runs WHERE suite = ? AND label = ? ORDER BY seed");
    runs.bind(1, std::string_view(suite)).bind(2, std::string_view(label));
    while (runs.step()) {
      column.emplace(runs.columnInt(0), column.size());
      v.seeds.push_back(int(runs.columnInt(0)));
    }
  }
  auto values = db.prepare(
      "SELECT r.seed, b.subset, b.metric, b.sample_id, b.value FROM bench_runs r "
      "JOIN bench_results b ON b.run_id = r.id WHERE r.suite = ? AND r.label = ?");
  values.bind(1, std::string_view(suite)).bind(2, std::string_view(label));
  while (values.step()) {
    auto& row = v.subsets[values.columnText(1)][values.columnText(2)][values.columnInt(3)];
    row.resize(column.size(), std::numeric_limits<double>::quiet_NaN());
    row[column.at(values.columnInt(0))] = values.columnDouble(4);
  }
  return v;
}

LabelValues loadPooledLabelValues(store::Database& db, const std::vector<std::string>& suites, const std::string& label) {
  if (suites.size() == 1) return loadLabelValues(db, suites[0], label);
  LabelValues pooled;
  for (std::size_t k = 0; k < suites.size(); ++k) {
    const LabelValues v = loadLabelValues(db, suites[k], label);
    if (k == 0) pooled.seeds = v.seeds;
    if (v.seeds != pooled.seeds)
      throw Error("model '" + label + "' has " + std::to_string(v.seeds.size()) + " seed replicate(s) on '" + suites[k] +
                      "' and " + std::to_string(pooled.seeds.size()) + " on '" + suites[0] +
                      "' (or different seeds); pooling needs the same seeds on every suite",
                  ErrorCode::InvalidArgument);
    for (const auto& [subset, metrics] : v.subsets) {
      for (const auto& [metric, rows] : metrics) {
        for (const auto& [sample, row] : rows) {
          if (sample < 0 || sample >= kSuiteStride)
            throw Error("suite '" + suites[k] + "' has a sample id out of the pooling range", ErrorCode::InvalidArgument);
          pooled.subsets[subset][metric][std::int64_t(k) * kSuiteStride + sample] = row;
        }
      }
    }
  }
  return pooled;
}

SubsetIntervals labelIntervals(const LabelValues& v, const std::string& metric, std::size_t metricIndex,
                               const std::vector<std::string>& order, int rounds, std::uint64_t seed) {
  std::vector<std::pair<std::string, Grid>> grids;
  for (const auto& subset : order) {
    if (v.has(subset)) grids.emplace_back(subset, gridOf(v.rows(subset, metric)));
  }
  return intervalsOf(grids, rounds, seed + metricIndex, seed + kOverallSeedOffset + metricIndex);
}

SubsetIntervals pairedIntervals(const LabelValues& a, const LabelValues& b, const std::string& metric,
                                std::size_t metricIndex, const std::vector<std::string>& order, int rounds,
                                std::uint64_t seed, int* commonSeeds) {
  std::vector<std::pair<std::string, Grid>> grids;
  for (const auto& subset : order) {
    if (!a.has(subset) || !b.has(subset)) continue;
    grids.emplace_back(subset, pairedDifferences(a.rows(subset, metric), a.seeds, b.rows(subset, metric), b.seeds,
                                                 commonSeeds));
  }
  // Subsets and the overall column share one seed here, as the report has always used.
  const std::uint64_t s = seed + kPairedSeedOffset + metricIndex;
  return intervalsOf(grids, rounds, s, s);
}

SampleClusters loadSampleCategories(store::Database& db, const std::vector<std::string>& suites) {
  SampleClusters out;
  for (std::size_t k = 0; k < suites.size(); ++k) {
    auto q = db.prepare(
        "SELECT i.sample_id, i.categories FROM bench_items i JOIN bench_suites s ON s.id = i.suite_id WHERE s.name = ?");
    q.bind(1, std::string_view(suites[k]));
    while (q.step()) {
      auto& keys = out[(suites.size() > 1 ? std::int64_t(k) * kSuiteStride : 0) + q.columnInt(0)];
      const auto categories = nlohmann::json::parse(q.columnText(1), nullptr, false);
      if (!categories.is_array()) continue;
      for (const auto& c : categories)
        if (c.is_object() && c.contains("key") && c["key"].is_string()) keys.push_back(c["key"].get<std::string>());
    }
  }
  return out;
}

std::map<std::string, ClusterInterval> pairedClusterIntervals(const LabelValues& a, const LabelValues& b,
                                                                const std::string& metric,
                                                                const std::vector<std::string>& order,
                                                                const SampleClusters& clusters,
                                                                ClusterDesigns& designs) {
  struct Item {
    std::int64_t sample;
    int group;
    double value;
  };
  const auto intervalOf = [&](const std::vector<Item>& items) {
    std::vector<std::int64_t> key;
    std::vector<double> values;
    for (const auto& item : items) {
      key.push_back(item.sample);
      values.push_back(item.value);
    }
    auto found = designs.find(key);
    if (found == designs.end()) {
      std::vector<int> groups;
      std::vector<std::vector<std::string>> keys;
      for (const auto& item : items) {
        groups.push_back(item.group);
        const auto it = clusters.find(item.sample);
        keys.push_back(it == clusters.end() ? std::vector<std::string>{} : it->second);
      }
      found = designs.emplace(key, ClusterDesign(groups, keys)).first;
    }
    return found->second.interval(values);
  };
  std::map<std::string, ClusterInterval> out;
  std::vector<Item> all;
  for (std::size_t g = 0; g < order.size(); ++g) {
    const auto& subset = order[g];
    if (!a.has(subset) || !b.has(subset)) continue;
    const auto& rowsA = a.rows(subset, metric);
    const auto& rowsB = b.rows(subset, metric);
    const Grid grid = pairedDifferences(rowsA, a.seeds, rowsB, b.seeds);
    std::vector<Item> items;
    std::size_t row = 0;
    for (const auto& [sample, values] : rowsA) {  // pairedDifferences' row order
      if (!rowsB.count(sample)) continue;
      double sum = 0;
      int n = 0;
      for (double v : grid[row++]) {
        if (std::isfinite(v)) {
          sum += v;
          ++n;
        }
      }
      if (n) items.push_back({sample, int(g), sum / n});
    }
    if (items.empty()) continue;
    out[subset] = intervalOf(items);
    all.insert(all.end(), items.begin(), items.end());
  }
  if (!all.empty()) out[kOverall] = intervalOf(all);
  return out;
}

}  // namespace psr::bench
