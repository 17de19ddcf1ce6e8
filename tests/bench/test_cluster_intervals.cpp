// The cluster-robust interval of a benchmark mean (core/bench/cluster_intervals): Student's t
// quantiles, the closed forms it must reduce to, and its coverage where items share clusters
// (in the report: subject categories).
// No QApplication, no world, no LibTorch.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "bench/cluster_intervals.h"
#include "normal_draws.h"
#include "common/error.h"

using namespace psr;

namespace {

using Normal = psr::testing::NormalDraws;

/// n items, each showing `per` distinct clusters out of `pool` ("i0".."i<pool-1>").
std::vector<std::vector<std::string>> randomClusters(int n, int per, int pool, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<std::string>> out(std::size_t(n), std::vector<std::string>{});
  for (auto& item : out) {
    std::vector<int> picked;
    while (int(picked.size()) < per) {
      const int k = int(rng() % std::uint64_t(pool));
      if (std::find(picked.begin(), picked.end(), k) == picked.end()) picked.push_back(k);
    }
    for (int k : picked) item.push_back("i" + std::to_string(k));
  }
  return out;
}

struct Coverage {
  double robust = 0, independent = 0;
};

/// Share of `reps` draws of d_i = mean of the item's cluster effects (sd sigmaA) + noise (sd
/// sigmaE) whose 95 % interval holds the true mean 0: cluster-robust and independent.
Coverage coverage(const bench::ClusterDesign& design, const std::vector<std::vector<std::string>>& ids, int pool,
                  double sigmaA, double sigmaE, int reps, std::uint64_t seed) {
  Normal normal(seed);
  int hitRobust = 0, hitIndependent = 0;
  for (int rep = 0; rep < reps; ++rep) {
    std::vector<double> effect(static_cast<std::size_t>(pool));
    for (auto& e : effect) e = sigmaA * normal();
    std::vector<double> d;
    for (const auto& item : ids) {
      double s = 0;
      for (const auto& key : item) s += effect[std::size_t(std::stoi(key.substr(1)))];
      d.push_back(s / double(item.size()) + sigmaE * normal());
    }
    const auto i = design.interval(d);
    if (!i.valid) return {};
    hitRobust += i.lo <= 0 && 0 <= i.hi;
    const double half = bench::studentTQuantile(0.975, i.dfIndependent) * i.seIndependent;
    hitIndependent += std::fabs(i.mean) <= half;
  }
  return {double(hitRobust) / reps, double(hitIndependent) / reps};
}

}  // namespace

class TestClusterIntervals : public QObject {
  Q_OBJECT

 private slots:
  void studentQuantiles() {
    // Reference values (tables of Student's t).
    const struct {
      double p, df, t;
    } table[] = {{0.975, 1, 12.706204736}, {0.975, 2, 4.302652730}, {0.975, 6, 2.446911851},
                 {0.975, 7, 2.364624252},  {0.975, 10, 2.228138852}, {0.975, 30, 2.042272456},
                 {0.995, 5, 4.032142984},  {0.975, 1e7, 1.959964},   {0.025, 5, -2.570581836}};
    for (const auto& row : table) {
      const double t = bench::studentTQuantile(row.p, row.df);
      QVERIFY2(std::fabs(t - row.t) < 1e-6 * std::fabs(row.t),
               qPrintable(QString("t(%1, %2) = %3, expected %4").arg(row.p).arg(row.df).arg(t, 0, 'g', 12).arg(row.t)));
    }
    const double half = bench::studentTQuantile(0.975, 6.5);  // real degrees of freedom
    QVERIFY(half < 2.446911851 && half > 2.364624252);
    QCOMPARE(bench::studentTQuantile(0.5, 3), 0.0);
    QVERIFY_THROWS_EXCEPTION(Error, bench::studentTQuantile(1.0, 3));
    QVERIFY_THROWS_EXCEPTION(Error, bench::studentTQuantile(0.9, 0));
  }

  // Items that share no cluster: the robust variance equals the independent one (its small-sample
  // factor is n/(n-1)), so the interval is the usual t interval of a mean.
  void noSharedClusterIsTheUsualInterval() {
    const std::vector<double> d = {0.3, -0.1, 0.4, 0.0, 0.25, -0.2, 0.1, 0.05};
    std::vector<std::vector<std::string>> ids;
    for (std::size_t i = 0; i < d.size(); ++i) ids.push_back({"id" + std::to_string(i)});
    ids[3].clear();  // no key: a cluster of its own
    const bench::ClusterDesign design(std::vector<int>(d.size(), 0), ids);
    const auto i = design.interval(d);
    QVERIFY(i.valid);
    double mean = 0;
    for (double v : d) mean += v / double(d.size());
    double ss = 0;
    for (double v : d) ss += (v - mean) * (v - mean);
    const double se = std::sqrt(ss / double(d.size() - 1) / double(d.size()));
    QVERIFY(std::fabs(i.mean - mean) < 1e-15);
    QVERIFY(std::fabs(i.seIndependent - se) < 1e-14);
    QVERIFY(std::fabs(i.seRobust - se) < 1e-14);
    QVERIFY(!i.robustTaken);
    QCOMPARE(i.df, double(d.size() - 1));
    const double t = bench::studentTQuantile(0.975, 7);
    QVERIFY(std::fabs(i.lo - (mean - t * se)) < 1e-14 && std::fabs(i.hi - (mean + t * se)) < 1e-14);
    QCOMPARE(i.clusters, 8LL);
    // Two equal groups: the mean of the group means, and still the independent variance.
    std::vector<int> groups(d.size(), 0);
    for (std::size_t k = 4; k < d.size(); ++k) groups[k] = 1;
    const auto g = bench::ClusterDesign(groups, ids).interval(d);
    QVERIFY(std::fabs(g.seRobust - g.seIndependent) < 1e-14);
    QCOMPARE(g.df, double(d.size() - 2));
  }

  // Balanced one-way clusters (every item one cluster, G clusters of m items each): the robust
  // variance is CR1, G/(G-1) sum_g (sum of residuals in g)^2 / n^2, with G-1 degrees of freedom.
  void balancedClustersAreCr1WithGMinusOneDf() {
    const int G = 6, m = 5;
    Normal normal(3);
    std::vector<double> d;
    std::vector<std::vector<std::string>> ids;
    for (int g = 0; g < G; ++g) {
      const double effect = 0.5 * normal();  // strong cluster effects: the robust variance is taken
      for (int k = 0; k < m; ++k) {
        d.push_back(effect + 0.05 * normal());
        ids.push_back({"c" + std::to_string(g), "c" + std::to_string(g)});  // a key twice counts once
      }
    }
    const bench::ClusterDesign design(std::vector<int>(d.size(), 7), ids);
    QVERIFY(std::fabs(design.robustDf() - (G - 1)) < 1e-9);
    const auto i = design.interval(d);
    double mean = 0;
    for (double v : d) mean += v / double(d.size());
    double v = 0;
    for (int g = 0; g < G; ++g) {
      double s = 0;
      for (int k = 0; k < m; ++k) s += d[std::size_t(g * m + k)] - mean;
      v += s * s;
    }
    v *= double(G) / (G - 1) / double(d.size() * d.size());
    QVERIFY(i.valid && i.robustTaken);
    QVERIFY2(std::fabs(i.se - std::sqrt(v)) < 1e-12 * std::sqrt(v), qPrintable(QString::number(i.se / std::sqrt(v))));
    QVERIFY(std::fabs(i.df - (G - 1)) < 1e-9);
    QVERIFY(i.se > 2 * i.seIndependent);  // about sqrt(m): the cluster effects the independent interval misses
    QCOMPARE(i.clusters, (long long)G);
  }

  // The point of the method: on a design like the benchmark's Four subset (every item shows four of
  // a hundred-odd categories) with cluster effects, the independent interval undercovers badly and
  // the cluster-robust one holds; without cluster effects it stays close to nominal.
  void coverageWhereItemsShareClusters() {
    const int pool = 120, n = 700;  // like heldout-700's Four: 700 items over 124 categories
    const auto ids = randomClusters(n, 4, pool, 11);
    const bench::ClusterDesign design(std::vector<int>(std::size_t(n), 0), ids);
    qInfo("robust df %.2f", design.robustDf());
    QVERIFY(design.robustDf() > 2 && design.robustDf() < pool);
    const auto withEffects = coverage(design, ids, pool, 0.15, 0.1, 400, 5);
    qInfo("cluster effects: cluster-robust %.3f, independent %.3f", withEffects.robust, withEffects.independent);
    QVERIFY(withEffects.independent < 0.8);
    QVERIFY(withEffects.robust >= 0.93);
    const auto without = coverage(design, ids, pool, 0.0, 0.1, 400, 6);
    qInfo("no cluster effects: cluster-robust %.3f, independent %.3f", without.robust, without.independent);
    QVERIFY(without.robust >= 0.93 && without.robust <= 0.99);
    // Two subsets of different sizes pooled ("overall"): one item set, every subset weighing the same.
    const auto ids2 = randomClusters(n + 80, 2, pool, 12);  // two subjects per item
    std::vector<int> groups(std::size_t(n + 80), 0);
    for (int k = n; k < n + 80; ++k) groups[std::size_t(k)] = 1;
    const bench::ClusterDesign pooled(groups, ids2);
    const auto both = coverage(pooled, ids2, pool, 0.15, 0.1, 400, 7);
    qInfo("two subsets: cluster-robust %.3f, independent %.3f", both.robust, both.independent);
    QVERIFY(both.independent < 0.8);
    QVERIFY(both.robust >= 0.93);
  }

  void badInputIsRefusedOrExplained() {
    QVERIFY_THROWS_EXCEPTION(Error, bench::ClusterDesign({0, 0}, {{"a"}}));
    const bench::ClusterDesign design({0, 0, 0}, {{"a"}, {"b"}, {"c"}});
    QVERIFY_THROWS_EXCEPTION(Error, design.interval({1.0, 2.0}));
    QVERIFY_THROWS_EXCEPTION(Error, design.interval({1.0, std::nan(""), 2.0}));
    QVERIFY_THROWS_EXCEPTION(Error, design.interval({1.0, 2.0, 3.0}, 1.0));
    // One cluster in every item: nothing to tell clusters apart by.
    const auto shared = bench::ClusterDesign({0, 0, 0, 0}, {{"x", "a"}, {"x", "b"}, {"x"}, {"x", "c"}}).interval({1, 2, 3, 4});
    QVERIFY(!shared.valid);
    QVERIFY(shared.reason.find("not estimable") != std::string::npos);
    QCOMPARE(shared.mean, 2.5);
    const auto lone = bench::ClusterDesign({0, 1, 1}, {{"a"}, {"b"}, {"c"}}).interval({1, 2, 3});
    QVERIFY(!lone.valid);
    QVERIFY(lone.reason.find("fewer than two") != std::string::npos);
  }
};

QTEST_GUILESS_MAIN(TestClusterIntervals)
#include "test_cluster_intervals.moc"
