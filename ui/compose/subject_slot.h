#pragma once
#include <QFrame>
#include <QImage>

class QLineEdit;
class QToolButton;

namespace psr::ui {

class ImageView;

/** One subject reference: an image dropped on it or browsed for, the name the prompt calls it,
 *  and an optional crop. Several files dropped at once spill into the following slots. */
class SubjectSlot : public QFrame {
  Q_OBJECT

 public:
  SubjectSlot(int number, QWidget* parent = nullptr);

  int number() const { return number_; }
  /// Loads `path`; on an unreadable file the slot stays as it was and failed() says why.
  bool setImagePath(const QString& path);
  QString imagePath() const { return path_; }
  bool isFilled() const { return !path_.isEmpty(); }
  QString name() const;
  void setName(const QString& name);
  /// In image pixels; null = whole image.
  QRect crop() const { return crop_; }
  void setCrop(const QRect& crop);
  QSize imageSize() const { return image_.size(); }
  void clear();

  QLineEdit* nameEdit() const { return name_; }
  QToolButton* browseButton() const { return browse_; }
  QToolButton* cropButton() const { return cropButton_; }
  QToolButton* clearButton() const { return clear_; }

  /// Opens the crop dialog (window-modal, non-blocking).
  void chooseCrop();

 signals:
  void changed();
  /// More files were dropped than this slot holds; the panel places them in the next slots.
  void extraFilesDropped(const QStringList& paths);
  void failed(const QString& message);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void browse();
  void updateView();

  int number_;
  QString path_;
  QImage image_;
  QRect crop_;
  ImageView* view_;
  QLineEdit* name_;
  QToolButton* browse_;
  QToolButton* cropButton_;
  QToolButton* clear_;
};

}  // namespace psr::ui
