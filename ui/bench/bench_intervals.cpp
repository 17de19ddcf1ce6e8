#include "bench_intervals.h"

#include <exception>
#include <limits>
#include <string>
#include <vector>

#include <QMetaObject>

#include "bench/bench_grids.h"
#include "bench_data.h"
#include "store/database.h"

namespace psr::ui {
namespace {

using psr::bench::LabelValues;

/// b - a from a - b (bench::Interval or bench::ClusterInterval).
template <typename Interval>
Interval negated(const Interval& i) {
  Interval n = i;
  n.mean = -i.mean;
  n.lo = -i.hi;
  n.hi = -i.lo;
  return n;
}

QString columnName(const std::string& column) {
  return column == psr::bench::kOverall ? kBenchOverall : QString::fromStdString(column);
}

/// The subsets of the labels' values in the order the report resamples them (PSRBench order).
std::vector<std::string> subsetOrder(const std::vector<LabelValues>& values) {
  QStringList names;
  for (const auto& v : values) {
    for (const auto& entry : v.subsets) names << QString::fromStdString(entry.first);
  }
  std::vector<std::string> order;
  for (const QString& name : benchSubsetOrder(names)) order.push_back(name.toStdString());
  return order;
}

}  // namespace

QString BenchIntervals::pairKey(const QString& a, const QString& b, const QString& subset, const QString& metric) {
  return BenchMeans::key(a, subset, metric) + QLatin1Char('\x1f') + b;
}

std::optional<psr::bench::Interval> BenchIntervals::pairedInterval(const QString& a, const QString& b,
                                                                  const QString& subset, const QString& metric) const {
  const auto it = paired.constFind(pairKey(a, b, subset, metric));
  if (it == paired.constEnd() || it->values == 0) return std::nullopt;
  return *it;
}

std::optional<psr::bench::ClusterInterval> BenchIntervals::pairedCategoryInterval(const QString& a, const QString& b,
                                                                                 const QString& subset,
                                                                                 const QString& metric) const {
  const auto it = pairedByCategory.constFind(pairKey(a, b, subset, metric));
  if (it == pairedByCategory.constEnd()) return std::nullopt;
  return *it;
}

std::optional<psr::bench::Interval> BenchIntervals::interval(const QString& label, const QString& subset,
                                                            const QString& metric) const {
  const auto it = cells.constFind(BenchMeans::key(label, subset, metric));
  if (it == cells.constEnd() || it->values == 0) return std::nullopt;
  return *it;
}

QString bestLabel(const BenchIntervals& intervals, const QStringList& labels, const QString& subset, const QString& metric) {
  QString best;
  double top = -std::numeric_limits<double>::infinity();
  for (const QString& label : labels) {
    const auto i = intervals.interval(label, subset, metric);
    if (i && i->mean > top) {
      top = i->mean;
      best = label;
    }
  }
  return best;
}

NoiseBadge noiseBadge(const BenchIntervals& intervals, const QStringList& labels, const QString& label,
                      const QString& subset, const QString& metric, NoiseRule rule) {
  const auto mine = intervals.interval(label, subset, metric);
  if (!mine) return NoiseBadge::None;
  int scored = 0;
  for (const QString& l : labels) scored += intervals.interval(l, subset, metric).has_value();
  if (scored < 2) return NoiseBadge::None;
  const QString best = bestLabel(intervals, labels, subset, metric);
  if (best == label) return NoiseBadge::Best;
  if (rule == NoiseRule::Categories) {
    const auto c = intervals.pairedCategoryInterval(label, best, subset, metric);
    if (c && c->valid) return c->lo > 0 || c->hi < 0 ? NoiseBadge::BeyondNoise : NoiseBadge::WithinNoise;
  }
  // The paired interval sees a consistent step between related models (sft and the rl tuned
  // from it) that two overlapping marginal intervals hide; without one, the overlap rule.
  if (const auto p = intervals.pairedInterval(label, best, subset, metric))
    return psr::bench::excludesZero(*p) ? NoiseBadge::BeyondNoise : NoiseBadge::WithinNoise;
  return psr::bench::withinNoise(*mine, *intervals.interval(best, subset, metric)) ? NoiseBadge::WithinNoise
                                                                                    : NoiseBadge::BeyondNoise;
}

BenchIntervals computeBenchIntervals(const std::filesystem::path& databaseFile, const QStringList& suites,
                                     const QStringList& labels, int rounds, std::uint64_t seed) {
  BenchIntervals out;
  out.suite = suites.join(QStringLiteral(" + "));
  out.labels = labels;
  psr::store::Database db(databaseFile, psr::store::OpenMode::ReadOnly);
  std::vector<std::string> names;
  for (const QString& s : suites) names.push_back(s.toStdString());
  std::vector<LabelValues> values;
  for (const QString& label : labels) values.push_back(psr::bench::loadPooledLabelValues(db, names, label.toStdString()));
  const auto order = subsetOrder(values);
  const auto categories = psr::bench::loadSampleCategories(db, names);
  psr::bench::ClusterDesigns designs;  // one per column's item set, shared by metrics and pairs
  const QStringList& metrics = benchMetrics();
  for (int m = 0; m < metrics.size(); ++m) {
    const std::string metric = metrics[m].toStdString();
    for (int i = 0; i < labels.size(); ++i) {
      for (const auto& [column, interval] : psr::bench::labelIntervals(values[i], metric, m, order, rounds, seed))
        out.cells.insert(BenchMeans::key(labels[i], columnName(column), metrics[m]), interval);
    }
    // Pairs in the order the labels are given, as the report lists them (a before b). Their
    // number grows with the square of the labels: beyond kMaxPairedLabels the tooltips go
    // without them.
    for (int i = 0; i < labels.size() && labels.size() <= kMaxPairedLabels; ++i) {
      for (int j = i + 1; j < labels.size(); ++j) {
        for (const auto& [column, interval] :
             psr::bench::pairedIntervals(values[i], values[j], metric, m, order, rounds, seed)) {
          if (interval.values == 0) continue;
          out.paired.insert(BenchIntervals::pairKey(labels[i], labels[j], columnName(column), metrics[m]), interval);
          out.paired.insert(BenchIntervals::pairKey(labels[j], labels[i], columnName(column), metrics[m]),
                            negated(interval));
        }
        for (const auto& [column, interval] :
             psr::bench::pairedClusterIntervals(values[i], values[j], metric, order, categories, designs)) {
          out.pairedByCategory.insert(BenchIntervals::pairKey(labels[i], labels[j], columnName(column), metrics[m]),
                                      interval);
          out.pairedByCategory.insert(BenchIntervals::pairKey(labels[j], labels[i], columnName(column), metrics[m]),
                                      negated(interval));
        }
      }
    }
  }
  return out;
}

BenchIntervalWorker::BenchIntervalWorker(QObject* parent) : QObject(parent) { pool_.setMaxThreadCount(1); }

BenchIntervalWorker::~BenchIntervalWorker() {
  pool_.clear();
  pool_.waitForDone();
}

void BenchIntervalWorker::request(const std::filesystem::path& databaseFile, const QStringList& suites,
                                  const QStringList& labels) {
  const int generation = ++generation_;
  ++pending_;
  // Requests overtaken by a newer one are dropped before they start; one running finishes and is
  // then ignored.
  pool_.clear();
  pool_.start([this, databaseFile, suites, labels, generation] {
    BenchIntervals result;
    QString error;
    try {
      result = computeBenchIntervals(databaseFile, suites, labels);
    } catch (const std::exception& e) {
      error = QString::fromStdString(e.what());
    }
    // Queued to the GUI thread; the destructor waits for the pool, so `this` is alive here.
    QMetaObject::invokeMethod(
        this,
        [this, generation, result = std::move(result), error] {
          if (generation != generation_) return;
          pending_ = 0;
          if (!error.isEmpty()) emit failed(error);
          else emit ready(result);
        },
        Qt::QueuedConnection);
  });
}

}  // namespace psr::ui
