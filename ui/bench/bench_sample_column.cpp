#include "bench_sample_column.h"

#include <QLabel>
#include <QVBoxLayout>

#include "bench_data.h"
#include "bench_samples.h"
#include "inspect/score_image_view.h"
#include "theme.h"

namespace psr::ui {

BenchSampleColumn::BenchSampleColumn(const QString& label, const QColor& color, int side, QWidget* parent)
    : QWidget(parent), label_(label), image_(new ScoreImageView(this)), values_(new QLabel(this)),
      subjects_(new QLabel(this)), error_(new QLabel(this)) {
  setObjectName(QStringLiteral("benchDrillColumn"));
  auto* title = new QLabel(this);
  title->setTextFormat(Qt::RichText);
  title->setText(QStringLiteral("<b><span style=\"color:%1\">\u25a0</span> %2</b>").arg(color.name(), label.toHtmlEscaped()));
  image_->setFixedSize(side, side);
  for (QLabel* l : {values_, subjects_, error_}) {
    l->setTextFormat(Qt::PlainText);
    l->setWordWrap(true);
    l->setMaximumWidth(side);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
  }
  values_->setObjectName(QStringLiteral("benchDrillValues"));
  subjects_->setObjectName(QStringLiteral("benchDrillSubjects"));
  error_->setObjectName(QStringLiteral("benchDrillError"));
  QPalette p = error_->palette();
  p.setColor(QPalette::WindowText, errorTextColor(palette()));
  error_->setPalette(p);
  error_->hide();
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 0, 4, 0);
  layout->addWidget(title);
  layout->addWidget(image_);
  layout->addWidget(values_);
  layout->addWidget(subjects_);
  layout->addWidget(error_);
  layout->addStretch(1);
}

void BenchSampleColumn::setOutput(const BenchSampleOutput* output, int seed, const QString& meansText) {
  image_->setImage({});
  score_.reset();
  scoreStatus_.clear();
  applyScore();
  if (!output) {
    image_->setPlaceholder(tr("No output for seed %1").arg(seed));
    values_->setText(meansText);
    error_->hide();
    return;
  }
  image_->setPlaceholder(output->imageBlob.isEmpty() ? tr("No image stored") : tr("Loading\u2026"));
  QStringList parts;
  for (const QString& metric : benchMetrics()) {
    const auto v = output->values.constFind(metric);
    parts << QStringLiteral("%1 %2").arg(benchMetricTitle(metric), v == output->values.constEnd() ? QStringLiteral("\u2013")
                                                                                                 : QString::number(*v, 'f', 3));
  }
  values_->setText(tr("Seed %1: %2").arg(seed).arg(parts.join(QStringLiteral(" \u00b7 "))) +
                   (meansText.isEmpty() ? QString() : QLatin1Char('\n') + meansText));
  error_->setText(output->error.isEmpty() ? QString() : tr("Not scored: %1").arg(output->error));
  error_->setVisible(!output->error.isEmpty());
}

void BenchSampleColumn::setImage(const QImage& image) {
  image_->setImage(image);
  applyScore();
}

void BenchSampleColumn::setScore(const std::optional<ScoreResult>& result, const QString& status) {
  score_ = result;
  scoreStatus_ = status;
  applyScore();
}

void BenchSampleColumn::applyScore() {
  if (!score_) {
    image_->setSubjects({});
    subjects_->setText(scoreStatus_);
    return;
  }
  const ScoreResult* result = &*score_;
  // Boxes are in the scored image's pixels; the shown image is the same file, but scale anyway
  // in case the scorer reports another size.
  QList<ScoredSubject> subjects = result->subjects;
  const QImage& shown = image_->image();
  if (!shown.isNull() && result->imageSize.isValid() && result->imageSize != shown.size()) {
    const double sx = double(shown.width()) / result->imageSize.width();
    const double sy = double(shown.height()) / result->imageSize.height();
    for (ScoredSubject& s : subjects) s.box = QRectF(s.box.x() * sx, s.box.y() * sy, s.box.width() * sx, s.box.height() * sy);
  }
  image_->setSubjects(subjects);
  QStringList lines;
  for (int i = 0; i < subjects.size(); ++i) {
    lines << ScoreImageView::label(i, subjects[i]) + (subjects[i].found ? QString() : tr(" (not found)"));
  }
  subjects_->setText(lines.join(QLatin1Char('\n')));
}

QString BenchSampleColumn::valuesText() const { return values_->text(); }
QString BenchSampleColumn::subjectsText() const { return subjects_->text(); }
QString BenchSampleColumn::errorText() const { return error_->isHidden() ? QString() : error_->text(); }

}  // namespace psr::ui
