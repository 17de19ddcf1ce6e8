#include "bench_samples.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "bench/bench_grids.h"
#include "store/database.h"

namespace psr::ui {
namespace {

QString text(const psr::store::Statement& q, int column) {
  return q.columnIsNull(column) ? QString() : QString::fromStdString(q.columnText(column));
}

/// " AND r.label IN (?, ?, …)" and its values after the leading ones.
std::string labelFilter(const QStringList& labels) {
  std::string sql = " AND r.label IN (";
  for (int i = 0; i < labels.size(); ++i) sql += i ? ", ?" : "?";
  return sql + ")";
}

void bindAll(psr::store::Statement& q, const std::vector<std::string>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) q.bind(int(i) + 1, std::string_view(values[i]));
}

}  // namespace

std::optional<double> BenchSample::mean(const QString& label, const QString& metric) const {
  const auto it = outputs.constFind(label);
  if (it == outputs.constEnd()) return std::nullopt;
  double sum = 0;
  int n = 0;
  for (const BenchSampleOutput& o : *it) {
    const auto v = o.values.constFind(metric);
    if (v == o.values.constEnd()) continue;
    sum += *v;
    ++n;
  }
  if (n == 0) return std::nullopt;
  return sum / n;
}

QList<int> BenchSample::seeds() const {
  QList<int> out;
  for (const auto& bySeed : outputs) {
    for (auto it = bySeed.constBegin(); it != bySeed.constEnd(); ++it) {
      if (!out.contains(it.key())) out << it.key();
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

QList<BenchSample> readBenchSamples(psr::store::Database& db, const QStringList& suites, const QString& subset,
                                    const QStringList& labels) {
  const std::string sub = subset.toStdString();
  std::map<qint64, BenchSample> samples;
  for (qsizetype k = 0; k < suites.size(); ++k) {
    const std::string s = suites[k].toStdString();
    const qint64 base = suites.size() > 1 ? qint64(k) * psr::bench::kSuiteStride : 0;
    const auto at = [&](qint64 id) -> BenchSample& {
      BenchSample& item = samples[base + id];
      item.id = id;
      item.key = base + id;
      item.suite = suites[k];
      item.subset = subset;
      return item;
    };
    auto items = db.prepare(
        "SELECT i.sample_id, i.instruction, i.categories, i.ref_blobs, i.oracle_blob FROM bench_items i "
        "JOIN bench_suites s ON s.id = i.suite_id WHERE s.name = ? AND i.subset = ?");
    items.bind(1, std::string_view(s)).bind(2, std::string_view(sub));
    while (items.step()) {
      BenchSample& item = at(items.columnInt(0));
      item.instruction = text(items, 1);
      for (const QJsonValue& c : QJsonDocument::fromJson(text(items, 2).toUtf8()).array()) {
        item.categories << c.toObject().value(QLatin1String("noun")).toString();
      }
      for (const QJsonValue& r : QJsonDocument::fromJson(text(items, 3).toUtf8()).array()) item.referenceBlobs << r.toString();
      item.oracleBlob = text(items, 4);
    }
    if (labels.isEmpty()) continue;
    std::vector<std::string> bound{s, sub};
    for (const QString& l : labels) bound.push_back(l.toStdString());
    auto values = db.prepare(
        "SELECT r.label, r.seed, b.sample_id, b.metric, b.value FROM bench_runs r "
        "JOIN bench_results b ON b.run_id = r.id WHERE r.suite = ? AND b.subset = ?" + labelFilter(labels));
    bindAll(values, bound);
    while (values.step()) {
      at(values.columnInt(2)).outputs[text(values, 0)][int(values.columnInt(1))].values.insert(text(values, 3),
                                                                                             values.columnDouble(4));
    }
    // Outputs carry no subset; the item table tells which samples belong to this one.
    auto outputs = db.prepare(
        "SELECT r.label, r.seed, o.sample_id, o.image_blob, o.error FROM bench_runs r "
        "JOIN bench_outputs o ON o.run_id = r.id "
        "JOIN bench_items i ON i.sample_id = o.sample_id AND i.suite_id = (SELECT id FROM bench_suites WHERE name = r.suite) "
        "WHERE r.suite = ? AND i.subset = ?" + labelFilter(labels));
    bindAll(outputs, bound);
    while (outputs.step()) {
      BenchSampleOutput& o = at(outputs.columnInt(2)).outputs[text(outputs, 0)][int(outputs.columnInt(1))];
      o.imageBlob = text(outputs, 3);
      o.error = text(outputs, 4);
    }
  }
  QList<BenchSample> out;
  out.reserve(qsizetype(samples.size()));
  for (auto& [key, item] : samples) out.append(std::move(item));
  return out;
}

}  // namespace psr::ui
