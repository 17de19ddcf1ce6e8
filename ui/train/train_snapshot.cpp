#include "train_snapshot.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

#include "path_conversion.h"
#include "store/workspace.h"
#include "workspace_query.h"

namespace psr::ui {
namespace {

QString text(const QVariant& v) { return v.isValid() ? v.toString() : QString(); }

QJsonObject parseObject(const QString& json) { return QJsonDocument::fromJson(json.toUtf8()).object(); }

std::string idList(const QList<qint64>& ids) {
  QStringList parts;
  for (qint64 id : ids) parts << QString::number(id);
  return parts.join(QLatin1Char(',')).toStdString();
}

/// A literal for SQL text built here (metric names come from the database, but quote anyway).
std::string quoted(const QString& s) {
  QString q = s;
  q.replace(QLatin1Char('\''), QStringLiteral("''"));
  return "'" + q.toStdString() + "'";
}

}  // namespace

double TrainJob::progress() const {
  if (state == QLatin1String("finished")) return 1.0;
  if (total <= 0 || step < 0) return -1.0;
  return qBound(0.0, double(step) / double(total), 1.0);
}

QString TrainCheckpoint::lineage() const {
  QStringList parts;
  if (!dataset.isEmpty()) parts << dataset;
  if (jobId > 0) {
    QString job = QStringLiteral("job %1 (%2").arg(jobId).arg(jobKind);
    if (!init.isEmpty()) job += QStringLiteral(", from %1").arg(init);
    parts << job + QLatin1Char(')');
  }
  parts << QStringLiteral("checkpoint step %1").arg(step);
  return parts.join(QStringLiteral(" \u2192 "));
}

QString describeSpecData(const QJsonObject& spec) {
  const QJsonObject data = spec.value(QLatin1String("data")).toObject();
  if (data.contains(QLatin1String("dataset"))) return QStringLiteral("dataset %1").arg(data.value(QLatin1String("dataset")).toString());
  if (data.contains(QLatin1String("shards"))) {
    const QJsonValue shards = data.value(QLatin1String("shards"));
    QStringList paths;
    if (shards.isArray()) {
      for (const QJsonValue& p : shards.toArray()) paths << p.toString();
    } else {
      paths << shards.toString();
    }
    return QStringLiteral("shards %1").arg(paths.join(QStringLiteral(", ")));
  }
  if (data.contains(QLatin1String("world"))) {
    const QString split = data.value(QLatin1String("world")).toObject().value(QLatin1String("split")).toString(QStringLiteral("train"));
    return QStringLiteral("world renders (%1 split)").arg(split);
  }
  return {};
}

QList<TrainJob> readTrainJobs(psr::store::Workspace& workspace) {
  WorkspaceQuery query(workspace);
  using C = ColumnType;
  const QueryRows rows = query.rows(
      "SELECT j.id, j.kind, j.spec, j.state, j.device, j.message, j.created_at, j.started_at, j.ended_at, "
      "  (SELECT max(m.step) FROM metrics m WHERE m.job_id = j.id) "
      "FROM jobs j ORDER BY j.id DESC",
      {C::Integer, C::Text, C::Text, C::Text, C::Text, C::Text, C::Text, C::Text, C::Text, C::Integer});
  const QDir runs(toQString(workspace.runsDir()));
  QList<TrainJob> jobs;
  for (const auto& r : rows) {
    TrainJob j;
    j.id = r[0].toLongLong();
    j.kind = text(r[1]);
    j.spec = parseObject(text(r[2]));
    j.state = text(r[3]);
    j.device = text(r[4]);
    j.message = text(r[5]);
    j.createdAt = text(r[6]);
    j.startedAt = text(r[7]);
    j.endedAt = text(r[8]);
    j.step = r[9].isValid() ? r[9].toLongLong() : -1;
    j.name = j.spec.value(QLatin1String("name")).toString();
    const QString out = j.spec.value(QLatin1String("out")).toString(j.name);
    if (!out.isEmpty()) j.runDir = QDir::cleanPath(runs.filePath(out));
    j.total = j.spec.value(QLatin1String(j.kind == QLatin1String("rl") ? "epochs" : "steps")).toInteger();
    if (j.kind == QLatin1String("command")) {
      QStringList args;
      for (const QJsonValue& a : j.spec.value(QLatin1String("args")).toArray()) args << a.toString();
      j.name = args.join(QLatin1Char(' '));
    }
    jobs.append(j);
  }
  return jobs;
}

QList<TrainCheckpoint> readTrainCheckpoints(psr::store::Workspace& workspace) {
  WorkspaceQuery query(workspace);
  using C = ColumnType;
  const QueryRows rows = query.rows(
      "SELECT c.id, m.name, c.step, c.job_id, j.kind, d.name, c.parent_id, c.path, c.created_at, j.spec "
      "FROM checkpoints c JOIN models m ON m.id = c.model_id LEFT JOIN jobs j ON j.id = c.job_id "
      "LEFT JOIN datasets d ON d.id = c.dataset_id ORDER BY c.id DESC",
      {C::Integer, C::Text, C::Integer, C::Integer, C::Text, C::Text, C::Integer, C::Text, C::Text, C::Text});
  QList<TrainCheckpoint> out;
  const QDir ws(toQString(workspace.dir()));
  for (const auto& r : rows) {
    TrainCheckpoint c;
    c.id = r[0].toLongLong();
    c.model = text(r[1]);
    c.step = r[2].toLongLong();
    c.jobId = r[3].isValid() ? r[3].toLongLong() : 0;
    c.jobKind = text(r[4]);
    const QJsonObject spec = parseObject(text(r[9]));
    c.dataset = r[5].isValid() ? QStringLiteral("dataset %1").arg(text(r[5])) : describeSpecData(spec);
    c.init = spec.value(QLatin1String("init")).toString();
    c.parentId = r[6].isValid() ? r[6].toLongLong() : 0;
    c.path = QDir::cleanPath(ws.absoluteFilePath(text(r[7])));
    c.createdAt = text(r[8]);
    out.append(c);
  }
  return out;
}

QStringList readMetricNames(psr::store::Workspace& workspace, const QList<qint64>& jobIds) {
  if (jobIds.isEmpty()) return {};
  const QueryRows rows = WorkspaceQuery(workspace).rows(
      "SELECT DISTINCT name FROM metrics WHERE job_id IN (" + idList(jobIds) + ") ORDER BY name", {ColumnType::Text});
  QStringList names;
  for (const auto& r : rows) names << text(r[0]);
  return names;
}

QList<QPointF> readMetric(psr::store::Workspace& workspace, qint64 jobId, const QString& name, int subjects) {
  // Read as text: the value column is REAL, and ColumnType has no floating type. The filter
  // joins each step to the same step's `subjects` row (primary key lookups).
  const std::string job = std::to_string(jobId);
  const std::string sql =
      subjects > 0
          ? "SELECT m.step, CAST(m.value AS TEXT) FROM metrics m JOIN metrics s ON s.job_id = m.job_id AND "
            "s.step = m.step AND s.name = 'subjects' WHERE m.job_id = " + job + " AND m.name = " + quoted(name) +
            " AND s.value = " + std::to_string(subjects) + " ORDER BY m.step"
          : "SELECT step, CAST(value AS TEXT) FROM metrics WHERE job_id = " + job + " AND name = " + quoted(name) +
            " ORDER BY step";
  const QueryRows rows = WorkspaceQuery(workspace).rows(sql, {ColumnType::Integer, ColumnType::Text});
  QList<QPointF> points;
  points.reserve(rows.size());
  for (const auto& r : rows) points.append(QPointF(double(r[0].toLongLong()), text(r[1]).toDouble()));
  return points;
}

QList<int> readSubjectCounts(psr::store::Workspace& workspace, const QList<qint64>& jobIds) {
  if (jobIds.isEmpty()) return {};
  const QueryRows rows = WorkspaceQuery(workspace).rows(
      "SELECT DISTINCT CAST(value AS INTEGER) FROM metrics WHERE name = 'subjects' AND job_id IN (" + idList(jobIds) +
          ") ORDER BY 1",
      {ColumnType::Integer});
  QList<int> counts;
  for (const auto& r : rows) counts << int(r[0].toLongLong());
  return counts;
}

}  // namespace psr::ui
