#include "bench_intervals.h"

#include <exception>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <QMetaObject>

#include "bench_data.h"
#include "store/database.h"

namespace psr::ui {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// The report's seed offsets: metric m of a subset uses seed + m, the overall seed + 100 + m,
// a paired difference seed + 200 + m.
constexpr std::uint64_t kOverallSeedOffset = 100;
constexpr std::uint64_t kPairedSeedOffset = 200;

using psr::bench::SampleRows;                          // sample -> value per seed index
using MetricGrids = std::map<std::string, SampleRows>;  // metric -> rows

/// One label's stored values: its seeds (ascending, the grid columns) and subset -> metric -> rows.
struct LabelValues {
  std::vector<int> seeds;
  std::map<std::string, MetricGrids> subsets;
};

psr::bench::Interval negated(const psr::bench::Interval& i) {
  psr::bench::Interval n = i;
  n.mean = -i.mean;
  n.lo = -i.hi;
  n.hi = -i.lo;
  return n;
}

/// The report's paired differences a - b, per subset and overall (subsets in PSRBench order).
void addPair(const QString& a, const LabelValues& va, const QString& b, const LabelValues& vb, int rounds,
             std::uint64_t seed, BenchIntervals& out) {
  const QStringList& metrics = benchMetrics();
  for (int m = 0; m < metrics.size(); ++m) {
    const std::string metric = metrics[m].toStdString();
    const std::uint64_t s = seed + kPairedSeedOffset + std::uint64_t(m);
    std::map<QString, psr::bench::Grid> grids;
    for (const auto& [subset, byMetric] : va.subsets) {
      const auto other = vb.subsets.find(subset);
      if (other == vb.subsets.end()) continue;
      const auto ra = byMetric.find(metric);
      const auto rb = other->second.find(metric);
      if (ra == byMetric.end() || rb == other->second.end()) continue;
      const QString name = QString::fromStdString(subset);
      const auto& grid = grids[name] = psr::bench::pairedDifferences(ra->second, va.seeds, rb->second, vb.seeds);
      const auto interval = psr::bench::bootstrapGrid(grid, rounds, s);
      if (interval.values == 0) continue;
      out.paired.insert(BenchIntervals::pairKey(a, b, name, metrics[m]), interval);
      out.paired.insert(BenchIntervals::pairKey(b, a, name, metrics[m]), negated(interval));
    }
    if (grids.empty()) continue;
    QStringList names;
    for (const auto& entry : grids) names << entry.first;
    std::vector<const psr::bench::Grid*> ordered;
    for (const QString& name : benchSubsetOrder(names)) ordered.push_back(&grids.at(name));
    const auto overall = psr::bench::bootstrapMeanOfGrids(ordered, rounds, s);
    if (overall.values == 0) continue;
    out.paired.insert(BenchIntervals::pairKey(a, b, kBenchOverall, metrics[m]), overall);
    out.paired.insert(BenchIntervals::pairKey(b, a, kBenchOverall, metrics[m]), negated(overall));
  }
}

psr::bench::Grid gridOf(const SampleRows& rows) {
  psr::bench::Grid grid;
  grid.reserve(rows.size());
  for (const auto& [sample, row] : rows) grid.push_back(row);
  return grid;
}

LabelValues addLabel(psr::store::Database& db, const std::string& suite, const QString& label, int rounds,
                     std::uint64_t seed, BenchIntervals& out) {
  const std::string l = label.toStdString();
  LabelValues stored;
  // Seed replicates in ascending order are the grid's columns, as in the report.
  std::map<std::int64_t, std::size_t> column;
  {
    auto runs = db.prepare("SELECT seed FROM bench_runs WHERE suite = ? AND label = ? ORDER BY seed");
    runs.bind(1, std::string_view(suite)).bind(2, std::string_view(l));
    while (runs.step()) {
      column.emplace(runs.columnInt(0), column.size());
      stored.seeds.push_back(int(runs.columnInt(0)));
    }
  }
  auto& subsets = stored.subsets;
  auto values = db.prepare(
      "SELECT r.seed, b.subset, b.metric, b.sample_id, b.value FROM bench_runs r "
      "JOIN bench_results b ON b.run_id = r.id WHERE r.suite = ? AND r.label = ?");
  values.bind(1, std::string_view(suite)).bind(2, std::string_view(l));
  while (values.step()) {
    auto& row = subsets[values.columnText(1)][values.columnText(2)][values.columnInt(3)];
    row.resize(column.size(), kNaN);
    row[column.at(values.columnInt(0))] = values.columnDouble(4);
  }
  const QStringList& metrics = benchMetrics();
  for (int m = 0; m < metrics.size(); ++m) {
    const std::string metric = metrics[m].toStdString();
    std::map<QString, psr::bench::Grid> grids;
    for (const auto& [subset, byMetric] : subsets) {
      const auto it = byMetric.find(metric);
      if (it == byMetric.end()) continue;
      const QString name = QString::fromStdString(subset);
      psr::bench::Grid& grid = grids[name] = gridOf(it->second);
      out.cells.insert(BenchMeans::key(label, name, metrics[m]),
                       psr::bench::bootstrapGrid(grid, rounds, seed + std::uint64_t(m)));
    }
    if (grids.empty()) continue;
    // Each round draws from one random stream subset after subset, in PSRBench order as the
    // report does, so the order matters for matching its numbers.
    QStringList names;
    for (const auto& entry : grids) names << entry.first;
    std::vector<const psr::bench::Grid*> ordered;
    for (const QString& name : benchSubsetOrder(names)) ordered.push_back(&grids.at(name));
    out.cells.insert(BenchMeans::key(label, kBenchOverall, metrics[m]),
                     psr::bench::bootstrapMeanOfGrids(ordered, rounds, seed + kOverallSeedOffset + std::uint64_t(m)));
  }
  return stored;
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
                      const QString& subset, const QString& metric) {
  const auto mine = intervals.interval(label, subset, metric);
  if (!mine) return NoiseBadge::None;
  int scored = 0;
  for (const QString& l : labels) scored += intervals.interval(l, subset, metric).has_value();
  if (scored < 2) return NoiseBadge::None;
  const QString best = bestLabel(intervals, labels, subset, metric);
  if (best == label) return NoiseBadge::Best;
  return psr::bench::withinNoise(*mine, *intervals.interval(best, subset, metric)) ? NoiseBadge::WithinNoise
                                                                                    : NoiseBadge::BeyondNoise;
}

BenchIntervals computeBenchIntervals(const std::filesystem::path& databaseFile, const QString& suite,
                                     const QStringList& labels, int rounds, std::uint64_t seed) {
  BenchIntervals out;
  out.suite = suite;
  out.labels = labels;
  psr::store::Database db(databaseFile, psr::store::OpenMode::ReadOnly);
  const std::string s = suite.toStdString();
  std::vector<LabelValues> values;
  for (const QString& label : labels) values.push_back(addLabel(db, s, label, rounds, seed, out));
  // Pairs in the order the labels are given, as the report lists them (a before b). Their number
  // grows with the square of the labels: beyond kMaxPairedLabels the tooltips go without them.
  for (int i = 0; i < labels.size() && labels.size() <= kMaxPairedLabels; ++i) {
    for (int j = i + 1; j < labels.size(); ++j) addPair(labels[i], values[i], labels[j], values[j], rounds, seed, out);
  }
  return out;
}

BenchIntervalWorker::BenchIntervalWorker(QObject* parent) : QObject(parent) { pool_.setMaxThreadCount(1); }

BenchIntervalWorker::~BenchIntervalWorker() {
  pool_.clear();
  pool_.waitForDone();
}

void BenchIntervalWorker::request(const std::filesystem::path& databaseFile, const QString& suite,
                                  const QStringList& labels) {
  const int generation = ++generation_;
  ++pending_;
  // Requests overtaken by a newer one are dropped before they start; one running finishes and is
  // then ignored.
  pool_.clear();
  pool_.start([this, databaseFile, suite, labels, generation] {
    BenchIntervals result;
    QString error;
    try {
      result = computeBenchIntervals(databaseFile, suite, labels);
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
