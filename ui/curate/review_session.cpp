#include "review_session.h"

#include <exception>

#include <QAbstractItemView>
#include <QElapsedTimer>
#include <QItemSelectionModel>

#include "curate/review_store.h"
#include "gallery_model.h"

namespace psr::ui {
namespace {

// Enough for a long session; the oldest entries go first.
constexpr int kUndoLimit = 5000;

}  // namespace

ReviewSession::ReviewSession(GalleryModel* model, QAbstractItemView* view, QObject* parent)
    : QObject(parent), model_(model), view_(view) {}

void ReviewSession::setDatabase(psr::store::Database* db) {
  db_ = db;
  undo_.clear();
  emit undoAvailable(false);
}

void ReviewSession::apply(const ReviewCommand& command) {
  switch (command.kind) {
    case ReviewCommand::Accept: judge(psr::curate::Verdict::Accepted, std::nullopt); break;
    case ReviewCommand::Reject: judge(psr::curate::Verdict::Rejected, command.reason); break;
    case ReviewCommand::Undo: undo(); break;
    case ReviewCommand::ToggleOverlay:
    case ReviewCommand::HideOverlay: break;
  }
}

void ReviewSession::judge(psr::curate::Verdict verdict, std::optional<int> reason) {
  const int row = view_->currentIndex().row();
  const std::int64_t id = model_->idAt(row);
  if (!db_ || row < 0 || id == 0) return;
  try {
    // One small transaction on the GUI thread: measured at well under a millisecond in WAL mode
    // (see the gallery benchmark), so no worker queue is needed.
    QElapsedTimer timer;
    timer.start();
    psr::curate::ReviewStore store(*db_);
    auto previous = store.setReview(id, verdict, reason, reviewer_.toStdString());
    auto now = store.review(id);
    lastWriteMs_ = double(timer.nsecsElapsed()) / 1e6;
    if (undo_.size() >= kUndoLimit) undo_.removeFirst();
    undo_.append({id, row, std::move(previous)});
    model_->updateReview(row, now);
    emit undoAvailable(true);
    emit reviewed(id);
    emit reviewsChanged();
    if (autoAdvance_ && row + 1 < model_->rowCount()) select(row + 1);
  } catch (const std::exception& e) {
    emit failed(tr("Could not save the review of sample %1: %2").arg(id).arg(QString::fromStdString(e.what())));
  }
}

void ReviewSession::undo() {
  if (!db_ || undo_.isEmpty()) return;
  const Entry entry = undo_.takeLast();
  try {
    psr::curate::ReviewStore(*db_).restore(entry.id, entry.previous);
  } catch (const std::exception& e) {
    undo_.append(entry);
    emit failed(tr("Could not undo the review of sample %1: %2").arg(entry.id).arg(QString::fromStdString(e.what())));
    return;
  }
  // The filter may have changed since: find the sample where it is now, if it is still shown.
  const int row = model_->idAt(entry.row) == entry.id ? entry.row : model_->rowOf(entry.id);
  if (row >= 0) {
    model_->updateReview(row, entry.previous);
    select(row);
  }
  emit undoAvailable(!undo_.isEmpty());
  emit reviewsChanged();
}

void ReviewSession::select(int row) {
  const QModelIndex index = model_->index(row);
  view_->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
  view_->scrollTo(index);
}

}  // namespace psr::ui
