#include "gallery_view.h"

#include <QKeyEvent>


namespace psr::ui {

GalleryView::GalleryView(QWidget* parent) : QListView(parent) {
  setObjectName(QStringLiteral("curateGallery"));
  setViewMode(QListView::ListMode);
  setFlow(QListView::LeftToRight);
  setWrapping(true);
  setResizeMode(QListView::Adjust);
  setMovement(QListView::Static);
  setUniformItemSizes(true);
  setLayoutMode(QListView::Batched);
  setBatchSize(2000);
  setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
  setSelectionMode(QAbstractItemView::SingleSelection);
  setEditTriggers(QAbstractItemView::NoEditTriggers);
  setFrameShape(QFrame::NoFrame);
  setSpacing(0);  // the delegate's cells carry the gaps
  setMouseTracking(false);
}

void GalleryView::keyPressEvent(QKeyEvent* event) {
  if (const auto command = reviewCommandFor(event->key(), event->modifiers(), event->text())) {
    emit reviewCommand(*command);
    event->accept();
    return;
  }
  QListView::keyPressEvent(event);
}

}  // namespace psr::ui
