#include "image_view.h"

#include <QPainter>

#include "theme.h"

namespace psr::ui {

ImageView::ImageView(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setMinimumSize(48, 48);
}

void ImageView::setImage(const QImage& image) {
  image_ = image;
  update();
}

void ImageView::setPlaceholder(const QString& text) {
  placeholder_ = text;
  update();
}

void ImageView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  if (image_.isNull()) {
    p.setPen(QPen(mutedTextColor(palette()), 1, Qt::DashLine));
    p.drawRect(rect().adjusted(0, 0, -1, -1));
    p.drawText(rect().adjusted(6, 6, -6, -6), Qt::AlignCenter | Qt::TextWordWrap, placeholder_);
    return;
  }
  const QSize fitted = image_.size().scaled(size(), Qt::KeepAspectRatio);
  const QRect target(QPoint((width() - fitted.width()) / 2, (height() - fitted.height()) / 2), fitted);
  p.setRenderHint(QPainter::SmoothPixmapTransform, fitted.width() < image_.width());
  p.drawImage(target, image_);
}

}  // namespace psr::ui
