#pragma once
#include <QListView>

#include "review_keymap.h"

namespace psr::ui {

/** The card grid: a QListView with uniform card cells and batched layout, so 100k rows cost
 *  no per-row layout work; review keys become `reviewCommand` signals, arrows move as usual. */
class GalleryView : public QListView {
  Q_OBJECT

 public:
  explicit GalleryView(QWidget* parent = nullptr);

 signals:
  void reviewCommand(const psr::ui::ReviewCommand& command);

 protected:
  void keyPressEvent(QKeyEvent* event) override;
};

}  // namespace psr::ui
