#pragma once
#include <optional>

#include <QList>
#include <QWidget>

#include "curate/sample_card.h"

class QGridLayout;
class QLabel;
class QPushButton;

namespace psr::ui {

class BlobImageView;
class ThumbnailCache;

/** The selected triplet, large: target with each subject's box and label, the references with
 *  their categories, the instruction, per-subject scores, review and provenance. */
class SampleDetailPane : public QWidget {
  Q_OBJECT

 public:
  explicit SampleDetailPane(ThumbnailCache* thumbnails, QWidget* parent = nullptr);

  /// Shows `card`; nullptr shows a hint instead.
  void setCard(const psr::curate::SampleCard* card);

  QString instruction() const;
  int referenceCount() const;
  const BlobImageView* target() const { return target_; }
  QPushButton* scoreButton() const { return score_; }

 signals:
  /// Score… was pressed for the shown card (a copy: the gallery may reload meanwhile).
  void scoreRequested(const psr::curate::SampleCard& card);

 private:
  void clearReferences();

  ThumbnailCache* thumbnails_;
  QLabel* heading_;
  QPushButton* score_;
  BlobImageView* target_;
  QWidget* references_;
  QGridLayout* referencesLayout_;
  QList<QWidget*> referenceCells_;
  QLabel* instruction_;
  QLabel* subjects_;
  QLabel* review_;
  QLabel* provenance_;
  std::optional<psr::curate::SampleCard> card_;
};

}  // namespace psr::ui
