#include "score_image_view.h"

#include <QPainter>
#include <QPainterPath>

#include "curate/card_palette.h"
#include "theme.h"

namespace psr::ui {

ScoreImageView::ScoreImageView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("scoreImage"));
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ScoreImageView::setImage(const QImage& image) {
  image_ = image;
  update();
}

void ScoreImageView::setSubjects(const QList<ScoredSubject>& subjects) {
  subjects_ = subjects;
  update();
}

void ScoreImageView::setPlaceholder(const QString& text) {
  placeholder_ = text;
  update();
}

QString ScoreImageView::label(int index, const ScoredSubject& subject) {
  return QStringLiteral("%1 \u00b7 %2 %3").arg(index + 1).arg(subject.category).arg(subject.consistency, 0, 'f', 2);
}

QStringList ScoreImageView::labels() const {
  QStringList out;
  for (int i = 0; i < subjects_.size(); ++i) out << label(i, subjects_[i]);
  return out;
}

QRectF ScoreImageView::shownRect() const {
  if (image_.isNull()) return {};
  const QSizeF fitted = QSizeF(image_.size()).scaled(QSizeF(size()), Qt::KeepAspectRatio);
  return QRectF(QPointF((width() - fitted.width()) / 2, (height() - fitted.height()) / 2), fitted);
}

QRectF ScoreImageView::boxOnScreen(int index) const {
  const QRectF shown = shownRect();
  if (shown.isNull() || index < 0 || index >= subjects_.size()) return {};
  const double scale = shown.width() / image_.width();
  const QRectF& b = subjects_[index].box;
  return QRectF(shown.left() + b.left() * scale, shown.top() + b.top() * scale, b.width() * scale, b.height() * scale);
}

void ScoreImageView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const QRectF shown = shownRect();
  if (shown.isNull()) {
    p.setPen(mutedTextColor(palette()));
    p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, placeholder_);
    return;
  }
  // Enlarged 64 px generations stay sharp: the pixels are what the scorer saw.
  p.setRenderHint(QPainter::SmoothPixmapTransform, shown.width() < image_.width());
  p.drawImage(shown, image_);
  p.setRenderHint(QPainter::Antialiasing);
  const QFontMetrics fm(font());
  for (int i = 0; i < subjects_.size(); ++i) {
    const QColor colour = subjectBoxColor(i);
    const QRectF box = boxOnScreen(i).adjusted(1, 1, -1, -1);
    QPen pen(colour, 2);
    if (!subjects_[i].found) pen.setStyle(Qt::DashLine);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    p.drawRect(box);
    const QString text = label(i, subjects_[i]);
    // Tags stack inside the image when boxes share a top edge (the fallback is the whole image).
    const double top = qMax(shown.top(), box.top() - fm.height() - 2) + (subjects_[i].found ? 0 : i * (fm.height() + 2));
    const QRectF tag(box.left(), top, fm.horizontalAdvance(text) + 8, fm.height() + 2);
    p.fillRect(tag, colour);
    p.setPen(Qt::black);
    p.drawText(tag, Qt::AlignCenter, text);
  }
}

}  // namespace psr::ui
