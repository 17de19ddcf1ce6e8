// Times the report's category-robust interval of one overall paired difference against the item
// bootstrap of the same values, in the same process (so the ratios carry across machines). The
// design is synthetic and shaped like a benchmark suite: seven subsets of `items` items each
// showing 2, 2, 2, 2, 2, 3 and 4 of `categories` subject categories.
//   bench_cluster_intervals [items per subset=700] [categories=124] [repeats=5]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_stats.h"
#include "bench/cluster_intervals.h"

using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
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
