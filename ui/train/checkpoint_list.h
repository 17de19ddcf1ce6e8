#pragma once
#include <QList>
#include <QWidget>

#include "train_snapshot.h"

class QPushButton;
class QTableWidget;

namespace psr::ui {

/** The workspace's checkpoints, newest first, each with its lineage (dataset → job →
 *  checkpoint, parent checkpoint) and "Open in Compose" for the selected one. */
class CheckpointList : public QWidget {
  Q_OBJECT

 public:
  explicit CheckpointList(QWidget* parent = nullptr);

  /// Rebuilds the table when the checkpoints changed; the selection is kept.
  void setCheckpoints(const QList<TrainCheckpoint>& checkpoints);
  const QList<TrainCheckpoint>& checkpoints() const { return checkpoints_; }
  /// Selects the checkpoint with `id`; false when it is not listed.
  bool selectCheckpoint(qint64 id);
  /// The selected checkpoint's folder, empty when none.
  QString selectedPath() const;

  QTableWidget* table() const { return table_; }
  QPushButton* openButton() const { return open_; }

 signals:
  void openInComposeRequested(const QString& checkpointDir);

 private:
  QList<TrainCheckpoint> checkpoints_;
  QTableWidget* table_;
  QPushButton* open_;
};

}  // namespace psr::ui
