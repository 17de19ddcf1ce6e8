#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QThreadPool>

#include "bench/bench_stats.h"
#include "bench/cluster_intervals.h"

namespace psr::ui {

/// The subset key of the overall interval (mean of the subset means).
inline const QString kBenchOverall = QStringLiteral("overall");

/** Bootstrap 95 % intervals of a suite's labels over samples and seed replicates, computed
 *  exactly as `psr bench report` does (same rounds, seeds, grids and core code), so the panel's
 *  "within noise" badges agree with the report's. */
struct BenchIntervals {
  QString suite;  ///< pooled: the suites joined by " + "
  QStringList labels;
  /// BenchMeans::key(label, subset or kBenchOverall, metric) -> interval.
  QHash<QString, psr::bench::Interval> cells;
  /// pairKey(a, b, subset or kBenchOverall, metric) -> the paired a - b interval over the items
  /// (and common seeds) both scored, as the report's `paired`; stored for both orders.
  QHash<QString, psr::bench::Interval> paired;
  /// pairKey(...) -> the same items' category-robust interval, as the report's
  /// `paired_by_category` (valid == false: not estimable, with its reason); both orders.
  QHash<QString, psr::bench::ClusterInterval> pairedByCategory;

  std::optional<psr::bench::Interval> interval(const QString& label, const QString& subset, const QString& metric) const;
  std::optional<psr::bench::Interval> pairedInterval(const QString& a, const QString& b, const QString& subset,
                                                     const QString& metric) const;
  std::optional<psr::bench::ClusterInterval> pairedCategoryInterval(const QString& a, const QString& b,
                                                                    const QString& subset, const QString& metric) const;
  static QString pairKey(const QString& a, const QString& b, const QString& subset, const QString& metric);
};

/// How one label's cell compares with the best label's on the same subset and metric.
enum class NoiseBadge { None, Best, WithinNoise, BeyondNoise };

/// Which paired interval decides a badge: the item bootstrap's (the report's `paired`), or the
/// category-robust one (`paired_by_category`), which lets items sharing a subject be correlated
/// and falls back to the item bootstrap's where it is not estimable.
enum class NoiseRule { Items, Categories };

/// The label with the highest mean on (subset, metric) among `labels`, "" when none has a value.
QString bestLabel(const BenchIntervals& intervals, const QStringList& labels, const QString& subset, const QString& metric);
/// Best for the best label; against it, WithinNoise when the paired interval label - best
/// includes 0 (the report's `paired_significant` is false) and BeyondNoise when it excludes 0.
/// Without a paired interval (more than kMaxPairedLabels labels, or no common items) the
/// marginal rule: WithinNoise when the two intervals overlap (the report's `within_noise`).
/// None with fewer than two labels or without intervals. `rule` picks the paired interval.
NoiseBadge noiseBadge(const BenchIntervals& intervals, const QStringList& labels, const QString& label,
                      const QString& subset, const QString& metric, NoiseRule rule = NoiseRule::Items);

/// Paired differences are computed for at most this many labels (28 pairs, ~0.2 s on 20-item
/// subsets); the panel shows six by default.
constexpr int kMaxPairedLabels = 8;

/// Reads every stored value of `labels` on `suites` through a read-only connection of its own to
/// `databaseFile` and bootstraps them (`rounds` rounds, report seed `seed`). Several suites are
/// pooled as `psr bench report --suite A --pool B…` pools them (the same intervals, digit for
/// digit, when the suites come in the same order). Thread-safe: meant for a worker thread, as it
/// takes ~10 ms per label and 100 samples.
BenchIntervals computeBenchIntervals(const std::filesystem::path& databaseFile, const QStringList& suites,
                                     const QStringList& labels, int rounds = 1000, std::uint64_t seed = 20260);

/** Runs computeBenchIntervals on a private worker thread; only the latest request's result is
 *  delivered (on the GUI thread), so a refresh never waits for the bootstrap. */
class BenchIntervalWorker : public QObject {
  Q_OBJECT

 public:
  explicit BenchIntervalWorker(QObject* parent = nullptr);
  ~BenchIntervalWorker() override;

  void request(const std::filesystem::path& databaseFile, const QStringList& suites, const QStringList& labels);
  bool isBusy() const { return pending_ > 0; }

 signals:
  void ready(const psr::ui::BenchIntervals& intervals);
  void failed(const QString& message);

 private:
  QThreadPool pool_;
  int generation_ = 0;
  int pending_ = 0;
};

}  // namespace psr::ui
