// Times the report's category-robust interval of one overall paired difference against the item
// bootstrap of the same values, in the same process (so the ratios carry across machines). The
// design is synthetic and shaped like a benchmark suite: seven subsets of `items` items each
// showing 2, 2, 2, 2, 2, 3 and 4 of `categories` subject categories.
//   bench_cluster_intervals [items per subset=700] [categories=124] [repeats=5]
// With --coverage it measures instead how often the 95 % intervals hold the truth on a stored
// suite's own category sets: per subset, draws of d = mean of the item's category effects (sd
// sigma_a) + noise (sd 0.1), the category-robust interval against the independent t interval.
//   bench_cluster_intervals --coverage WORKSPACE SUITE [draws=1000]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>


#include "bench/bench_grids.h"
#include "bench/bench_stats.h"
#include "bench/cluster_intervals.h"
#include "normal_draws.h"
#include "store/database.h"

using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

using Normal = psr::testing::NormalDraws;

int coverage(const std::string& workspace, const std::string& suite, int draws) {
  psr::store::Database db(workspace + "/studio.db", psr::store::OpenMode::ReadOnly);
  // The report's own reading of the items' categories, grouped by subset.
  const auto categories = psr::bench::loadSampleCategories(db, {suite});
  std::map<std::string, std::vector<std::vector<std::string>>> bySubset;
  auto q = db.prepare(
      "SELECT i.sample_id, i.subset FROM bench_items i JOIN bench_suites s ON s.id = i.suite_id WHERE s.name = ?");
  q.bind(1, std::string_view(suite));
  while (q.step()) bySubset[q.columnText(1)].push_back(categories.at(q.columnInt(0)));
  if (bySubset.empty()) {
    std::fprintf(stderr, "no items of suite '%s' in %s\n", suite.c_str(), workspace.c_str());
    return 1;
  }
  std::printf("coverage of 95 %% intervals on %s's category sets, noise sd 0.1, %d draws\n", suite.c_str(), draws);
  std::printf("%-11s %5s %5s %7s %9s %9s %9s %11s\n", "subset", "items", "cats", "sigma_a", "df_robust", "robust",
              "independ.", "mean width");
  for (const auto& [subset, items] : bySubset) {
    std::map<std::string, std::size_t> index;
    for (const auto& item : items)
      for (const auto& key : item) index.emplace(key, index.size());
    const psr::bench::ClusterDesign design(std::vector<int>(items.size(), 0), items);
    for (const double sigmaA : {0.0, 0.05, 0.15}) {
      Normal normal(20231);
      int robust = 0, independent = 0;
      double width = 0;
      for (int r = 0; r < draws; ++r) {
        std::vector<double> effect(index.size());
        for (auto& e : effect) e = sigmaA * normal();
        std::vector<double> d;
        for (const auto& item : items) {
          double s = 0;
          for (const auto& key : item) s += effect[index.at(key)];
          d.push_back((item.empty() ? 0.0 : s / double(item.size())) + 0.1 * normal());
        }
        const auto i = design.interval(d);
        if (!i.valid) break;
        robust += i.lo <= 0 && 0 <= i.hi;
        independent += std::fabs(i.mean) <= psr::bench::studentTQuantile(0.975, i.dfIndependent) * i.seIndependent;
        width += i.hi - i.lo;
      }
      std::printf("%-11s %5zu %5zu %7.2f %9.1f %9.3f %9.3f %11.4f\n", subset.c_str(), items.size(), index.size(), sigmaA,
                  design.robustDf(), double(robust) / draws, double(independent) / draws, width / draws);
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--coverage") {
    if (argc < 4) {
      std::fprintf(stderr, "usage: bench_cluster_intervals --coverage WORKSPACE SUITE [draws=1000]\n");
      return 2;
    }
    return coverage(argv[2], argv[3], argc > 4 ? std::max(1, std::atoi(argv[4])) : 1000);
  }
  const int items = argc > 1 ? std::max(2, std::atoi(argv[1])) : 700;
  const int categories = argc > 2 ? std::max(5, std::atoi(argv[2])) : 124;
  const int repeats = argc > 3 ? std::max(1, std::atoi(argv[3])) : 5;
  const int subjects[7] = {2, 2, 2, 2, 2, 3, 4};
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> value(-0.3, 0.3);
  std::vector<int> groups;
  std::vector<std::vector<std::string>> keys;
  std::vector<double> values;
  std::vector<psr::bench::Grid> grids(7);
  for (int g = 0; g < 7; ++g) {
    for (int i = 0; i < items; ++i) {
      std::vector<std::string> item;
      while (int(item.size()) < subjects[g]) {
        const std::string key = "c" + std::to_string(rng() % std::uint64_t(categories));
        if (std::find(item.begin(), item.end(), key) == item.end()) item.push_back(key);
      }
      groups.push_back(g);
      keys.push_back(item);
      values.push_back(value(rng));
      grids[std::size_t(g)].push_back({values.back()});
    }
  }
  std::vector<const psr::bench::Grid*> all;
  for (const auto& grid : grids) all.push_back(&grid);

  std::vector<double> bootstrap, design, interval;
  double df = 0;
  for (int r = 0; r < repeats; ++r) {
    auto t = Clock::now();
    const auto b = psr::bench::bootstrapMeanOfGrids(all, 1000, 20260 + std::uint64_t(r));
    bootstrap.push_back(msSince(t));
    (void)b;
    t = Clock::now();
    const psr::bench::ClusterDesign d(groups, keys);
    design.push_back(msSince(t));
    t = Clock::now();
    const auto i = d.interval(values);
    interval.push_back(msSince(t));
    df = i.df;
  }
  const double boot = median(bootstrap);
  std::printf("%d items (7 x %d) over %d categories, median of %d\n", 7 * items, items, categories, repeats);
  std::printf("  item bootstrap, 1000 rounds (reference)   %8.1f ms  1.00x\n", boot);
  std::printf("  category design (once per item set)       %8.1f ms  %.2fx\n", median(design), median(design) / boot);
  std::printf("  category interval (per metric and pair)   %8.2f ms  %.3fx\n", median(interval), median(interval) / boot);
  std::printf("  degrees of freedom of the variance taken  %8.1f\n", df);
  return 0;
}
