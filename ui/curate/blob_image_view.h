#pragma once
#include <QWidget>

#include "scene_subjects.h"

namespace psr::ui {

class ThumbnailCache;

/** One blob image at a fixed side, decoded off the GUI thread, with optional subject boxes and
 *  labels drawn over it (scene pixels scaled to the shown image). */
class BlobImageView : public QWidget {
  Q_OBJECT

 public:
  BlobImageView(ThumbnailCache* thumbnails, int side, QWidget* parent = nullptr);

  void setBlob(const QString& sha);
  QString blob() const { return sha_; }
  /// Boxes to draw; an empty list draws none.
  void setSubjects(const SceneSubjects& subjects);
  QSize sizeHint() const override { return {side_, side_}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  ThumbnailCache* thumbnails_;
  int side_;
  QString sha_;
  SceneSubjects subjects_;
};

}  // namespace psr::ui
