#pragma once
// One label's stored benchmark values as bootstrap grids, and the intervals `psr bench report`
// derives from them: marginal per subset and overall, and paired a - b. The report and the
// studio's Bench panel both call these, so their numbers come from one piece of code.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bench/bench_stats.h"
#include "bench/cluster_intervals.h"

namespace psr::store {
class Database;
}

namespace psr::bench {

/// Everything one label stored on a suite.
struct LabelValues {
  std::vector<int> seeds;  ///< ascending: the columns of every grid
  /// subset -> metric -> sample -> value per seed column (NaN: not scored by that seed's run)
  std::map<std::string, std::map<std::string, SampleRows>> subsets;

  bool has(const std::string& subset) const { return subsets.count(subset) > 0; }
  /// The rows of (subset, metric); empty when none are stored.
  const SampleRows& rows(const std::string& subset, const std::string& metric) const;
};

/// Reads every stored value of `label` on `suite` (one query over its runs' results).
LabelValues loadLabelValues(store::Database& db, const std::string& suite, const std::string& label);

/// Pooled suites keep their items apart: suite k's item i is sample k·kSuiteStride + i.
inline constexpr std::int64_t kSuiteStride = std::int64_t(1) << 40;

/// `label`'s values on several suites as one set of samples (suite k's item i keyed
/// k·kSuiteStride + i), so a paired difference pairs per (suite, item, seed). One suite: exactly
/// loadLabelValues. Throws InvalidArgument when the label's seed replicates differ between the
/// suites (the grids' seed columns would not line up) or an item id is out of range.
LabelValues loadPooledLabelValues(store::Database& db, const std::vector<std::string>& suites, const std::string& label);

/// The report's bootstrap seeds: metric m of a subset uses seed + m, the overall column
/// seed + kOverallSeedOffset + m, a paired difference seed + kPairedSeedOffset + m.
inline constexpr std::uint64_t kOverallSeedOffset = 100;
inline constexpr std::uint64_t kPairedSeedOffset = 200;

/// The key of the overall column (mean of the subset means, every subset weighing the same).
inline const std::string kOverall = "overall";

/// Intervals of one metric keyed by subset, plus kOverall. `order` lists the subsets in the
/// order every overall round resamples them (one random stream, so the order changes the
/// digits): the report uses PSRBench order. Subsets outside `order` are left out; a subset
/// without values of this metric gets an empty interval (values == 0).
using SubsetIntervals = std::map<std::string, Interval>;
SubsetIntervals labelIntervals(const LabelValues& v, const std::string& metric, std::size_t metricIndex,
                               const std::vector<std::string>& order, int rounds, std::uint64_t seed);

/// The paired differences a - b of one metric (pairedDifferences per subset both labels hold,
/// bootstrapped), keyed like labelIntervals. `commonSeeds` receives how many seeds were paired.
SubsetIntervals pairedIntervals(const LabelValues& a, const LabelValues& b, const std::string& metric,
                                std::size_t metricIndex, const std::vector<std::string>& order, int rounds,
                                std::uint64_t seed, int* commonSeeds = nullptr);

/// The cluster keys of every sample key (the report: its subject categories; pooled keys
/// k·kSuiteStride + id, like loadPooledLabelValues).
using SampleClusters = std::map<std::int64_t, std::vector<std::string>>;
/// Every item's subject category keys on `suites` (keyed like loadPooledLabelValues), read from
/// bench_items: the clusters of the report's category-robust intervals. An item whose categories
/// do not parse gets no keys (a cluster of its own); a suite that does not exist adds nothing.
SampleClusters loadSampleCategories(store::Database& db, const std::vector<std::string>& suites);

/// Cluster designs by the sample keys of a column, so every metric and model pair over the same
/// items reuses one (building one is O(items^2)).
using ClusterDesigns = std::map<std::vector<std::int64_t>, ClusterDesign>;

/// The cluster-robust intervals (cluster_intervals.h) of the paired differences a - b of one
/// metric, keyed like pairedIntervals. An item's value is its paired difference averaged over the
/// seeds paired (pairedDifferences' row); rows without a finite value are left out. A sample
/// without keys in `clusters` is a cluster of its own.
std::map<std::string, ClusterInterval> pairedClusterIntervals(const LabelValues& a, const LabelValues& b,
                                                                const std::string& metric,
                                                                const std::vector<std::string>& order,
                                                                const SampleClusters& clusters,
                                                                ClusterDesigns& designs);

}  // namespace psr::bench
