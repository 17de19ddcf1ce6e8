#pragma once
#include <QImage>
#include <QWidget>

namespace psr::ui {

/** An image on which a rectangle is dragged out with the mouse; the rectangle is kept in image
 *  pixels, and what lies outside it is dimmed. */
class CropView : public QWidget {
  Q_OBJECT

 public:
  explicit CropView(const QImage& image, QWidget* parent = nullptr);

  /// Null means the whole image.
  QRect crop() const { return crop_; }
  void setCrop(const QRect& crop);
  QSize sizeHint() const override { return {420, 420}; }

 signals:
  void cropChanged(const QRect& crop);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;

 private:
  QRect imageArea() const;
  QPoint toImage(const QPointF& widgetPos) const;
  void dragTo(const QPointF& widgetPos);

  QImage image_;
  QRect crop_;
  QPoint anchor_;
  bool dragging_ = false;
};

}  // namespace psr::ui
