#include "sample_grid_view.h"

#include <QDir>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QVBoxLayout>

#include "compose/image_view.h"

namespace psr::ui {

SampleGridView::SampleGridView(QWidget* parent)
    : QWidget(parent), slider_(new QSlider(Qt::Horizontal, this)), caption_(new QLabel(this)), image_(new ImageView(this)) {
  slider_->setObjectName(QStringLiteral("trainSampleSlider"));
  slider_->setToolTip(tr("Training step of the sample grid (rows: references \u2026, generated, target)"));
  slider_->setPageStep(1);
  caption_->setObjectName(QStringLiteral("trainSampleCaption"));
  caption_->setMinimumWidth(140);
  image_->setObjectName(QStringLiteral("trainSampleImage"));
  auto* top = new QHBoxLayout;
  top->addWidget(slider_, 1);
  top->addWidget(caption_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(top);
  layout->addWidget(image_, 1);
  connect(slider_, &QSlider::valueChanged, this, &SampleGridView::showIndex);
  setRunDir({});
}

void SampleGridView::setRunDir(const QString& runDir) {
  const bool sameRun = runDir == runDir_;
  const bool atEnd = files_.isEmpty() || slider_->value() == slider_->maximum();
  const QList<StepFile> files = listStepFiles(runDir.isEmpty() ? QString() : QDir(runDir).filePath(QStringLiteral("samples")),
                                              QStringLiteral("step"), QStringLiteral("png"));
  if (sameRun && files.size() == files_.size()) return;
  runDir_ = runDir;
  files_ = files;
  const QSignalBlocker quiet(slider_);
  slider_->setRange(0, qMax(0, int(files_.size()) - 1));
  slider_->setEnabled(files_.size() > 1);
  // Following a live run: stay on the newest grid unless the user went back to an older one.
  if (!sameRun || atEnd) slider_->setValue(slider_->maximum());
  showIndex(slider_->value());
}

void SampleGridView::showIndex(int index) {
  if (index < 0 || index >= files_.size()) {
    image_->clear();
    image_->setPlaceholder(runDir_.isEmpty() ? tr("Select a job to see its sample grids.")
                                             : tr("No sample grids yet (the spec's sample_every sets how often)."));
    caption_->clear();
    return;
  }
  image_->setImage(QImage(files_[index].path));
  caption_->setText(tr("step %1 (%2 of %3)").arg(files_[index].step).arg(index + 1).arg(files_.size()));
}

qint64 SampleGridView::currentStep() const {
  const int i = slider_->value();
  return i >= 0 && i < files_.size() ? files_[i].step : -1;
}

QString SampleGridView::caption() const { return caption_->text(); }

}  // namespace psr::ui
