#include "bench_data.h"

#include <algorithm>
#include <string>
#include <vector>

#include <QCoreApplication>
#include <QSet>

#include "store/database.h"

namespace psr::ui {
namespace {

/// PSRBench's subset order (pipeline::kAllSubsets; pipeline/ is only built with the world).
const QStringList& knownSubsets() {
  static const QStringList names = {QStringLiteral("attribute"), QStringLiteral("action"),  QStringLiteral("background"),
                                    QStringLiteral("position"),  QStringLiteral("complex"), QStringLiteral("three"),
                                    QStringLiteral("four")};
  return names;
}

QString text(const psr::store::Statement& q, int column) { return QString::fromStdString(q.columnText(column)); }

}  // namespace

const QStringList& benchMetrics() {
  static const QStringList metrics = {QStringLiteral("psr"), QStringLiteral("semantic"), QStringLiteral("aesthetic")};
  return metrics;
}

QString benchMetricTitle(const QString& metric) {
  if (metric == QLatin1String("psr")) return QCoreApplication::translate("Bench", "PSR");
  if (metric == QLatin1String("semantic")) return QCoreApplication::translate("Bench", "Semantic");
  if (metric == QLatin1String("aesthetic")) return QCoreApplication::translate("Bench", "Aesthetic");
  return metric;
}

QString benchMetricLongTitle(const QString& metric) {
  if (metric == QLatin1String("psr")) return QCoreApplication::translate("Bench", "Subject consistency (PSR)");
  if (metric == QLatin1String("semantic")) return QCoreApplication::translate("Bench", "Semantic alignment");
  if (metric == QLatin1String("aesthetic")) return QCoreApplication::translate("Bench", "Aesthetic preference");
  return metric;
}

QStringList benchSubsetOrder(QStringList present) {
  present.removeDuplicates();
  QStringList out;
  for (const QString& s : knownSubsets()) {
    if (present.removeAll(s) > 0) out << s;
  }
  present.sort();
  return out + present;
}

QString benchSubsetTitle(const QString& subset) {
  if (!knownSubsets().contains(subset) || subset.isEmpty()) return subset;
  return subset.left(1).toUpper() + subset.mid(1);
}

QString BenchMeans::key(const QString& label, const QString& subset, const QString& metric) {
  return label + QChar(0x1f) + subset + QChar(0x1f) + metric;
}

std::optional<BenchCell> BenchMeans::cell(const QString& label, const QString& subset, const QString& metric) const {
  const auto it = cells.constFind(key(label, subset, metric));
  if (it == cells.constEnd()) return std::nullopt;
  return *it;
}

std::optional<double> BenchMeans::overall(const QString& label, const QString& metric) const {
  double sum = 0;
  int n = 0;
  for (const QString& subset : subsets) {
    if (const auto c = cell(label, subset, metric)) {
      sum += c->mean;
      ++n;
    }
  }
  if (n == 0) return std::nullopt;
  return sum / n;
}

QStringList readBenchSuites(psr::store::Database& db) {
  auto q = db.prepare("SELECT name FROM bench_suites UNION SELECT suite FROM bench_runs");
  QStringList suites;
  while (q.step()) suites << text(q, 0);
  suites.sort();
  // The built-in suites lead: they are what `psr bench run` uses unless told otherwise.
  for (const char* name : {"builtin-seen", "builtin"}) {
    const QString s = QString::fromLatin1(name);
    if (suites.removeAll(s) > 0) suites.prepend(s);
  }
  return suites;
}

QList<BenchLabel> readBenchLabels(psr::store::Database& db, const QStringList& suites) {
  auto q = db.prepare("SELECT label, count(*) FROM bench_runs WHERE suite = ? GROUP BY label ORDER BY min(id)");
  QList<BenchLabel> out;
  for (int k = 0; k < suites.size(); ++k) {
    const std::string s = suites[k].toStdString();
    q.reset();
    q.bind(1, std::string_view(s));
    QSet<QString> here;
    while (q.step()) {
      if (k == 0) out.append({text(q, 0), int(q.columnInt(1))});
      else here.insert(text(q, 0));
    }
    if (k > 0) out.removeIf([&](const BenchLabel& l) { return !here.contains(l.label); });
  }
  return out;
}

BenchMeans readBenchMeans(psr::store::Database& db, const QStringList& suites, const QStringList& labels) {
  BenchMeans means;
  means.suite = suites.join(QStringLiteral(" + "));
  means.labels = labels;
  if (labels.isEmpty() || suites.isEmpty()) return means;
  auto placeholders = [](qsizetype n) {
    std::string p;
    for (qsizetype i = 0; i < n; ++i) p += i ? ", ?" : "?";
    return p;
  };
  const std::string sql =
      "SELECT r.label, c.subset, c.metric, sum(c.total), sum(c.n) "
      "FROM bench_runs r JOIN bench_cells c ON c.run_id = r.id WHERE r.suite IN (" + placeholders(suites.size()) +
      ") AND r.label IN (" + placeholders(labels.size()) + ") GROUP BY r.label, c.subset, c.metric";
  auto q = db.prepare(sql);
  std::vector<std::string> bound;
  for (const QString& s : suites) bound.push_back(s.toStdString());
  for (const QString& l : labels) bound.push_back(l.toStdString());
  for (std::size_t i = 0; i < bound.size(); ++i) q.bind(int(i) + 1, std::string_view(bound[i]));
  QStringList subsets;
  while (q.step()) {
    const qint64 n = q.columnInt(4);
    if (n <= 0) continue;
    const QString subset = text(q, 1);
    means.cells.insert(BenchMeans::key(text(q, 0), subset, text(q, 2)), {q.columnDouble(3) / double(n), n});
    subsets << subset;
  }
  means.subsets = benchSubsetOrder(subsets);
  return means;
}

QString readBenchFingerprint(psr::store::Database& db) {
  auto q = db.prepare(
      "SELECT (SELECT count(*) || ':' || coalesce(max(id), 0) FROM bench_runs) || '/' || "
      "(SELECT count(*) || ':' || total(n) || ':' || total(total) FROM bench_cells) || '/' || "
      "(SELECT count(*) FROM bench_outputs) || '/' || (SELECT count(*) || ':' || coalesce(max(id), 0) FROM bench_suites)");
  return q.step() ? text(q, 0) : QString();
}

}  // namespace psr::ui
