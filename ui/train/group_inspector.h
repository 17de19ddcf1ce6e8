#pragma once
#include <QList>
#include <QWidget>

#include "step_files.h"

class QLabel;
class QSlider;
class QTableWidget;

namespace psr::ui {

class ImageView;

/** The GRPO group inspector of an RL run: for one epoch (slider), the prompt, the G samples of
 *  its group side by side, and a table of each sample's reward components, weighted total,
 *  advantage, whether it was kept, and its seed (`groups/epoch-N.{json,png}`). */
class GroupInspector : public QWidget {
  Q_OBJECT

 public:
  explicit GroupInspector(QWidget* parent = nullptr);

  /// Re-lists `runDir`/groups; cheap, called by the panel's refresh.
  void setRunDir(const QString& runDir);
  void showIndex(int index);

  QSlider* slider() const { return slider_; }
  QTableWidget* table() const { return table_; }
  int epochCount() const { return int(files_.size()); }
  qint64 currentEpoch() const;
  QString prompt() const;

 private:
  QString runDir_;
  QList<StepFile> files_;
  QSlider* slider_;
  QLabel* caption_;
  QLabel* prompt_;
  QTableWidget* table_;
  ImageView* image_;
};

}  // namespace psr::ui
