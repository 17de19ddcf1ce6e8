#pragma once
#include <QDialog>

class QLabel;

namespace psr::ui {

class CropView;

/** Chooses the part of a subject reference to keep: drag a rectangle, or keep the whole image. */
class CropDialog : public QDialog {
  Q_OBJECT

 public:
  CropDialog(const QImage& image, const QRect& crop, QWidget* parent = nullptr);

  QRect crop() const;
  CropView* view() const { return view_; }

 private:
  void describe(const QRect& crop);

  CropView* view_;
  QLabel* size_;
  QSize imageSize_;
};

}  // namespace psr::ui
