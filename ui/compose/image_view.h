#pragma once
#include <QImage>
#include <QWidget>

namespace psr::ui {

/** Shows one image scaled to fit, aspect kept; small generations are enlarged with sharp pixels
 *  so the denoising detail stays visible. A placeholder line stands in while there is none. */
class ImageView : public QWidget {
  Q_OBJECT

 public:
  explicit ImageView(QWidget* parent = nullptr);

  void setImage(const QImage& image);
  void clear() { setImage(QImage()); }
  const QImage& image() const { return image_; }
  void setPlaceholder(const QString& text);
  QSize sizeHint() const override { return {160, 160}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QImage image_;
  QString placeholder_;
};

}  // namespace psr::ui
