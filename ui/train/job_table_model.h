#pragma once
#include <QAbstractTableModel>
#include <QList>

#include "train_snapshot.h"

namespace psr::ui {

/** The job list: id, kind, run name, state, progress, device and message. A refresh whose job
 *  ids are unchanged updates cells in place, so selection and scroll survive the 1 s timer. */
class JobTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { IdColumn, KindColumn, NameColumn, StateColumn, ProgressColumn, DeviceColumn, MessageColumn, ColumnCount };
  enum Role { JobIdRole = Qt::UserRole + 1, ProgressRole };

  explicit JobTableModel(QObject* parent = nullptr);

  void setJobs(const QList<TrainJob>& jobs);
  const QList<TrainJob>& jobs() const { return jobs_; }
  const TrainJob* job(int row) const { return row >= 0 && row < jobs_.size() ? &jobs_[row] : nullptr; }
  const TrainJob* jobById(qint64 id) const;
  int rowOfJob(qint64 id) const;

  /// "412 / 700 (59 %)", "finished", "–".
  static QString progressText(const TrainJob& job);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  QList<TrainJob> jobs_;
};

}  // namespace psr::ui
