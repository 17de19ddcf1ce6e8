#pragma once
#include <QList>
#include <QWidget>

#include "step_files.h"

class QLabel;
class QSlider;

namespace psr::ui {

class ImageView;

/** A run's sample grids (`samples/step-N.png`: per row the references, the generated image and
 *  the target) with a slider over the steps; it follows the newest step while it is at the end. */
class SampleGridView : public QWidget {
  Q_OBJECT

 public:
  explicit SampleGridView(QWidget* parent = nullptr);

  /// Re-lists `runDir`/samples; cheap, called by the panel's refresh.
  void setRunDir(const QString& runDir);
  /// Shows the grid of the step at slider position `index`.
  void showIndex(int index);

  QSlider* slider() const { return slider_; }
  int stepCount() const { return int(files_.size()); }
  /// The step shown, -1 when none.
  qint64 currentStep() const;
  QString caption() const;

 private:
  QString runDir_;
  QList<StepFile> files_;
  QSlider* slider_;
  QLabel* caption_;
  ImageView* image_;
};

}  // namespace psr::ui
