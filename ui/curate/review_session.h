#pragma once
#include <cstdint>
#include <optional>

#include <QObject>
#include <QString>
#include <QVector>

#include "curate/review.h"
#include "review_keymap.h"

class QAbstractItemView;

namespace psr::store {
class Database;
}

namespace psr::ui {

class GalleryModel;

/** Turns review commands on the gallery's current card into `reviews` rows: writes through
 *  core's ReviewStore at once, refreshes the cached card, advances, and undoes in reverse order. */
class ReviewSession : public QObject {
  Q_OBJECT

 public:
  ReviewSession(GalleryModel* model, QAbstractItemView* view, QObject* parent = nullptr);

  /// Reviews go to `db` from now on (nullptr: none); the undo history belongs to the old one.
  void setDatabase(psr::store::Database* db);
  void setReviewer(const QString& reviewer) { reviewer_ = reviewer; }
  void setAutoAdvance(bool on) { autoAdvance_ = on; }
  bool autoAdvance() const { return autoAdvance_; }

  /// Accept or Reject the current card, or Undo; other commands are not the session's.
  void apply(const ReviewCommand& command);
  void undo();
  int undoDepth() const { return int(undo_.size()); }
  /// Milliseconds the last database write took (reported in the panel's tooltip and benchmark).
  double lastWriteMs() const { return lastWriteMs_; }

 signals:
  void reviewed(std::int64_t sampleId);
  /// A verdict was written or undone.
  void reviewsChanged();
  void undoAvailable(bool available);
  void failed(const QString& message);

 private:
  struct Entry {
    std::int64_t id = 0;
    int row = -1;
    std::optional<psr::curate::Review> previous;
  };
  void judge(psr::curate::Verdict verdict, std::optional<int> reason);
  void select(int row);

  GalleryModel* model_;
  QAbstractItemView* view_;
  psr::store::Database* db_ = nullptr;
  QString reviewer_;
  bool autoAdvance_ = true;
  QVector<Entry> undo_;
  double lastWriteMs_ = 0;
};

}  // namespace psr::ui
