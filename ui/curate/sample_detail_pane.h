#pragma once
#include <QList>
#include <QWidget>

#include "curate/sample_card.h"

class QGridLayout;
class QLabel;

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

 private:
  void clearReferences();

  ThumbnailCache* thumbnails_;
  QLabel* heading_;
  BlobImageView* target_;
  QWidget* references_;
  QGridLayout* referencesLayout_;
  QList<QWidget*> referenceCells_;
  QLabel* instruction_;
  QLabel* subjects_;
  QLabel* review_;
  QLabel* provenance_;
};

}  // namespace psr::ui
