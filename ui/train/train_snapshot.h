#pragma once
#include <QJsonObject>
#include <QList>
#include <QPointF>
#include <QString>

namespace psr::store {
class Workspace;
}

namespace psr::ui {

/// One row of the workspace's `jobs` table with what the Train panel derives from it.
struct TrainJob {
  qint64 id = 0;
  QString kind, state, device, message, createdAt, startedAt, endedAt;
  QJsonObject spec;
  QString name;    ///< the spec's run name
  QString runDir;  ///< absolute run folder (spec "out", relative to runs/)
  qint64 step = -1;   ///< latest metrics step, -1 before the first
  qint64 total = 0;   ///< spec steps (SFT) or epochs (RL); 0 when unknown
  /// Progress in [0, 1], or -1 when unknown.
  double progress() const;
  bool isActive() const { return state == QLatin1String("running") || state == QLatin1String("queued"); }
};

/// One checkpoint with its lineage: the data its job trained on, the job, the parent checkpoint.
struct TrainCheckpoint {
  qint64 id = 0;
  QString model;
  qint64 step = 0;
  qint64 jobId = 0;  ///< 0 when the job row is gone
  QString jobKind;
  QString dataset;   ///< dataset name, else what the job's spec trained on
  QString init;      ///< what the job started from (spec "init"), empty for a fresh model
  qint64 parentId = 0;
  QString path;
  QString createdAt;
  /// "shards exports/sft-train → job 3 (sft, from runs/base) → checkpoint step 400"
  QString lineage() const;
};

/** The Train panel's reads: small queries through WorkspaceQuery, cheap enough for a 1 s timer
 *  (metrics are read per job and metric name, by primary key). Throw psr::Error. */
QList<TrainJob> readTrainJobs(psr::store::Workspace& workspace);
QList<TrainCheckpoint> readTrainCheckpoints(psr::store::Workspace& workspace);
/// Metric names logged by any of `jobIds`, sorted.
QStringList readMetricNames(psr::store::Workspace& workspace, const QList<qint64>& jobIds);
/// (step, value) points of one metric of one job, by step. With `subjects` > 0, only the steps
/// whose logged `subjects` (the subject count an RL epoch drew) equals it.
QList<QPointF> readMetric(psr::store::Workspace& workspace, qint64 jobId, const QString& name, int subjects = 0);
/// The distinct subject counts the jobs logged in their `subjects` metric, ascending; empty when
/// none did (SFT runs, RL runs from before the metric).
QList<int> readSubjectCounts(psr::store::Workspace& workspace, const QList<qint64>& jobIds);

/// What a spec trains on, in words: "dataset NAME", "shards PATH", "world renders (train split)".
QString describeSpecData(const QJsonObject& spec);

}  // namespace psr::ui
