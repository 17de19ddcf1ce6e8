#include "job_table_model.h"

#include <QColor>
#include <QGuiApplication>
#include <QPalette>

#include "curate/card_palette.h"

namespace psr::ui {

JobTableModel::JobTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void JobTableModel::setJobs(const QList<TrainJob>& jobs) {
  bool sameIds = jobs.size() == jobs_.size();
  for (int i = 0; sameIds && i < jobs.size(); ++i) sameIds = jobs[i].id == jobs_[i].id;
  if (!sameIds) {
    beginResetModel();
    jobs_ = jobs;
    endResetModel();
    return;
  }
  jobs_ = jobs;
  if (!jobs_.isEmpty()) emit dataChanged(index(0, 0), index(int(jobs_.size()) - 1, ColumnCount - 1));
}

const TrainJob* JobTableModel::jobById(qint64 id) const { return job(rowOfJob(id)); }

int JobTableModel::rowOfJob(qint64 id) const {
  for (int i = 0; i < jobs_.size(); ++i) {
    if (jobs_[i].id == id) return i;
  }
  return -1;
}

QString JobTableModel::progressText(const TrainJob& job) {
  const double p = job.progress();
  if (job.total > 0 && job.step >= 0) {
    return QStringLiteral("%1 / %2 (%3 %)").arg(job.step).arg(job.total).arg(qRound(p * 100));
  }
  if (p >= 0) return QStringLiteral("%1 %").arg(qRound(p * 100));
  return QStringLiteral("\u2013");
}

int JobTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(jobs_.size()); }

int JobTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant JobTableModel::data(const QModelIndex& index, int role) const {
  const TrainJob* j = job(index.row());
  if (!j) return {};
  if (role == JobIdRole) return j->id;
  if (role == ProgressRole) return j->progress();
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
      case IdColumn: return j->id;
      case KindColumn: return j->kind;
      case NameColumn: return j->name;
      case StateColumn: return j->state;
      case ProgressColumn: return progressText(*j);
      case DeviceColumn: return j->device;
      case MessageColumn: return j->message;
      default: return {};
    }
  }
  if (role == Qt::ForegroundRole && index.column() == StateColumn) {
    const QPalette palette = QGuiApplication::palette();
    if (j->state == QLatin1String("failed") || j->state == QLatin1String("cancelled")) return rejectedColor(palette);
    if (j->state == QLatin1String("finished")) return acceptedColor(palette);
  }
  if (role == Qt::ToolTipRole) {
    return tr("Job %1 \u00b7 %2\ncreated %3\nstarted %4\nended %5\nrun folder %6")
        .arg(j->id)
        .arg(j->state, j->createdAt, j->startedAt, j->endedAt, j->runDir);
  }
  return {};
}

QVariant JobTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case IdColumn: return tr("Job");
    case KindColumn: return tr("Kind");
    case NameColumn: return tr("Run");
    case StateColumn: return tr("State");
    case ProgressColumn: return tr("Progress");
    case DeviceColumn: return tr("Device");
    case MessageColumn: return tr("Message");
    default: return {};
  }
}

}  // namespace psr::ui
