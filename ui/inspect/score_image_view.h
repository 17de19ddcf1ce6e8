#pragma once
#include <QImage>
#include <QList>
#include <QWidget>

#include "score_result.h"

namespace psr::ui {

/** The scored image, fitted to the widget (small generations enlarged with sharp pixels), with
 *  each subject's box in its colour and a tag "1 · crab 0.83"; a subject the detector missed
 *  is drawn dashed around the whole-image fallback. */
class ScoreImageView : public QWidget {
  Q_OBJECT

 public:
  explicit ScoreImageView(QWidget* parent = nullptr);

  void setImage(const QImage& image);
  /// Boxes to draw; an empty list draws none.
  void setSubjects(const QList<ScoredSubject>& subjects);
  void setPlaceholder(const QString& text);

  const QImage& image() const { return image_; }
  const QList<ScoredSubject>& subjects() const { return subjects_; }
  /// The tag drawn for subject `index` ("1 · crab 0.83").
  static QString label(int index, const ScoredSubject& subject);
  /// The tags of every subject, in order.
  QStringList labels() const;
  /// Where subject `index`'s box lands in widget coordinates (null when there is no image).
  QRectF boxOnScreen(int index) const;

  QSize sizeHint() const override { return {384, 384}; }
  QSize minimumSizeHint() const override { return {160, 160}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QRectF shownRect() const;

  QImage image_;
  QList<ScoredSubject> subjects_;
  QString placeholder_;
};

}  // namespace psr::ui
