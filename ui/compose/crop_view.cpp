#include "crop_view.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

namespace psr::ui {

CropView::CropView(const QImage& image, QWidget* parent) : QWidget(parent), image_(image) {
  setMinimumSize(200, 200);
  setCursor(Qt::CrossCursor);
}

void CropView::setCrop(const QRect& crop) {
  const QRect bounded = crop.isNull() ? QRect() : crop.normalized().intersected(image_.rect());
  if (bounded == crop_) return;
  crop_ = bounded;
  update();
  emit cropChanged(crop_);
}

QRect CropView::imageArea() const {
  const QSize fitted = image_.size().scaled(size(), Qt::KeepAspectRatio);
  return {QPoint((width() - fitted.width()) / 2, (height() - fitted.height()) / 2), fitted};
}

QPoint CropView::toImage(const QPointF& widgetPos) const {
  const QRect area = imageArea();
  if (area.isEmpty()) return {};
  const double x = (widgetPos.x() - area.x()) * image_.width() / double(area.width());
  const double y = (widgetPos.y() - area.y()) * image_.height() / double(area.height());
  return {qBound(0, int(x + 0.5), image_.width()), qBound(0, int(y + 0.5), image_.height())};
}

void CropView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const QRect area = imageArea();
  p.drawImage(area, image_);
  if (crop_.isNull() || image_.isNull()) return;
  const double sx = area.width() / double(image_.width());
  const double sy = area.height() / double(image_.height());
  const QRectF shown(area.x() + crop_.x() * sx, area.y() + crop_.y() * sy, crop_.width() * sx, crop_.height() * sy);
  QPainterPath outside;
  outside.addRect(area);
  outside.addRect(shown);
  p.fillPath(outside, QColor(0, 0, 0, 120));
  p.setPen(QPen(palette().color(QPalette::Highlight), 2));
  p.drawRect(shown);
}

void CropView::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return;
  dragging_ = true;
  anchor_ = toImage(event->position());
}

void CropView::mouseMoveEvent(QMouseEvent* event) {
  if (dragging_) dragTo(event->position());
}

void CropView::mouseReleaseEvent(QMouseEvent* event) {
  if (!dragging_ || event->button() != Qt::LeftButton) return;
  dragging_ = false;
  dragTo(event->position());
  // A click without a drag means "no crop".
  if (crop_.width() < 2 || crop_.height() < 2) setCrop(QRect());
}

void CropView::dragTo(const QPointF& widgetPos) {
  const QPoint to = toImage(widgetPos);
  setCrop(QRect(QPoint(qMin(anchor_.x(), to.x()), qMin(anchor_.y(), to.y())),
                QPoint(qMax(anchor_.x(), to.x()) - 1, qMax(anchor_.y(), to.y()) - 1)));
}

}  // namespace psr::ui
