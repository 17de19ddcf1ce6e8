#pragma once
#include <QWidget>

namespace psr::ui {

/** A semi-transparent sheet over the gallery listing the review keys; follows its parent's size
 *  and lets mouse events through. */
class HotkeyOverlay : public QWidget {
  Q_OBJECT

 public:
  explicit HotkeyOverlay(QWidget* parent);

  void toggle() { setVisible(!isVisible()); }

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;
  void paintEvent(QPaintEvent* event) override;
};

}  // namespace psr::ui
