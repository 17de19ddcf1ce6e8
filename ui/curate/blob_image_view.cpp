#include "blob_image_view.h"

#include <QPainter>
#include <QPainterPath>

#include "card_palette.h"
#include "theme.h"
#include "thumbnail_cache.h"

namespace psr::ui {

BlobImageView::BlobImageView(ThumbnailCache* thumbnails, int side, QWidget* parent)
    : QWidget(parent), thumbnails_(thumbnails), side_(side) {
  setFixedSize(side, side);
  connect(thumbnails_, &ThumbnailCache::ready, this, [this](const QString& sha, int readySide) {
    if (sha == sha_ && readySide == side_) update();
  });
}

void BlobImageView::setBlob(const QString& sha) {
  sha_ = sha;
  update();
}

void BlobImageView::setSubjects(const SceneSubjects& subjects) {
  subjects_ = subjects;
  update();
}

void BlobImageView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  QPainterPath frame;
  frame.addRoundedRect(QRectF(rect()), 6, 6);
  p.fillPath(frame, slotColor(palette()));
  const QImage* image = thumbnails_->image(sha_, side_);
  if (!image) {
    p.setPen(mutedTextColor(palette()));
    p.drawText(rect(), Qt::AlignCenter,
               sha_.isEmpty() ? tr("no image") : thumbnails_->failed(sha_, side_) ? tr("unreadable") : QString());
    return;
  }
  const QRect shown((width() - image->width()) / 2, (height() - image->height()) / 2, image->width(), image->height());
  p.save();
  p.setClipPath(frame);
  p.drawImage(shown, *image);
  p.restore();
  // Boxes are in scene pixels; the scene's canvas maps onto the shown image.
  const double canvas = subjects_.canvas > 0 ? subjects_.canvas : 0;
  if (canvas <= 0) return;
  const double scale = shown.width() / canvas;
  QFont label = font();
  label.setPointSizeF(label.pointSizeF() * 0.85);
  label.setBold(true);
  p.setFont(label);
  const QFontMetrics fm(label);
  for (int i = 0; i < subjects_.subjects.size(); ++i) {
    const SceneSubject& s = subjects_.subjects[i];
    if (s.box.isNull()) continue;
    const QRectF box(shown.left() + s.box.left() * scale, shown.top() + s.box.top() * scale, s.box.width() * scale,
                     s.box.height() * scale);
    const QColor colour = subjectBoxColor(i);
    p.setPen(QPen(colour, 2));
    p.setBrush(Qt::NoBrush);
    p.drawRect(box);
    const QString text = QStringLiteral("%1 %2").arg(i + 1).arg(s.category);
    const QRectF tag(box.left(), qMax(0.0, box.top() - fm.height() - 2), fm.horizontalAdvance(text) + 8, fm.height() + 2);
    p.fillRect(tag, colour);
    p.setPen(Qt::black);
    p.drawText(tag, Qt::AlignCenter, text);
  }
}

}  // namespace psr::ui
