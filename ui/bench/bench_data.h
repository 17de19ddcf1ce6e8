#pragma once
#include <optional>

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace psr::store {
class Database;
}

namespace psr::ui {

/// The three dimensions of the benchmark, in the order the report and the table show them.
const QStringList& benchMetrics();
/// Short column title of a metric ("PSR", "Semantic", "Aesthetic").
QString benchMetricTitle(const QString& metric);
/// Long title of a metric's radar chart ("Subject consistency (PSR)").
QString benchMetricLongTitle(const QString& metric);

/// `present` in PSRBench order (attribute … four: pipeline::kAllSubsets), then any other
/// subset (imported or older rows) alphabetically.
QStringList benchSubsetOrder(QStringList present);
/// "Attribute", …; other names are shown as they are stored.
QString benchSubsetTitle(const QString& subset);

/// A label run on a suite: how many seed replicates it has, first run first.
struct BenchLabel {
  QString label;
  int seeds = 0;
};

/// Mean of one metric on one subset for one label (all seeds), and how many values it holds.
struct BenchCell {
  double mean = 0;
  qint64 values = 0;
};

/** Per label × subset × metric means of a suite: what the table, radars and bars draw. */
struct BenchMeans {
  QString suite;
  QStringList labels;   ///< in the order asked
  QStringList subsets;  ///< benchSubsetOrder of those with a value
  QHash<QString, BenchCell> cells;

  static QString key(const QString& label, const QString& subset, const QString& metric);
  std::optional<BenchCell> cell(const QString& label, const QString& subset, const QString& metric) const;
  /// The mean of the label's subset means (every subset weighs the same, as in the report).
  std::optional<double> overall(const QString& label, const QString& metric) const;
};

/// Suites with runs or items, builtin first.
QStringList readBenchSuites(psr::store::Database& db);
/// Labels run on every one of `suites` (one suite, or several pooled), in the order they were
/// first run on the first; the seed count is the first suite's.
QList<BenchLabel> readBenchLabels(psr::store::Database& db, const QStringList& suites);
/// The means of `labels` over every value they stored on `suites` (pooled: all suites' samples
/// together, as `psr bench report --pool` means them), read from the trigger-maintained sums in
/// bench_cells (a few rows per run whatever the sample count; the grouped query over
/// bench_results is ~20× slower at 100 models): the panel's per-refresh query, the same as
/// bench::panelMeans. `suite` of the result is the suites joined by " + ".
BenchMeans readBenchMeans(psr::store::Database& db, const QStringList& suites, const QStringList& labels);
/// Changes whenever a run, a value or a suite is added, removed or rewritten; cheap enough for
/// every refresh, so the panel recomputes (and resets its views) only when there is news.
QString readBenchFingerprint(psr::store::Database& db);

}  // namespace psr::ui
