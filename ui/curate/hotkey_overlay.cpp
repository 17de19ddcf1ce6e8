#include "hotkey_overlay.h"

#include <QEvent>
#include <QPainter>
#include <QPainterPath>

#include "review_keymap.h"

namespace psr::ui {

HotkeyOverlay::HotkeyOverlay(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("curateHotkeyOverlay"));
  setAttribute(Qt::WA_TransparentForMouseEvents);
  setAttribute(Qt::WA_NoSystemBackground);
  parent->installEventFilter(this);
  setGeometry(parent->rect());
  hide();
}

bool HotkeyOverlay::eventFilter(QObject* watched, QEvent* event) {
  if (watched == parentWidget() && event->type() == QEvent::Resize) setGeometry(parentWidget()->rect());
  return QWidget::eventFilter(watched, event);
}

void HotkeyOverlay::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  // Always dark glass with light text: it must read over cards in either palette.
  p.fillRect(rect(), QColor(0, 0, 0, 110));
  const auto rows = reviewKeyHelp();
  QFont keyFont = font();
  keyFont.setBold(true);
  const QFontMetrics fm(font());
  const int line = fm.lineSpacing() + 6;
  const int width = 420;
  const int height = line * (int(rows.size()) + 1) + 40;
  const QRect sheet((this->width() - width) / 2, qMax(10, (this->height() - height) / 2), width, height);
  QPainterPath path;
  path.addRoundedRect(sheet, 12, 12);
  p.fillPath(path, QColor(24, 26, 30, 235));

  QFont title = keyFont;
  title.setPointSizeF(title.pointSizeF() * 1.2);
  p.setFont(title);
  p.setPen(Qt::white);
  p.drawText(sheet.adjusted(20, 14, -20, 0), Qt::AlignTop | Qt::AlignLeft, tr("Review keys"));
  int y = sheet.top() + 20 + line;
  for (const auto& [keys, meaning] : rows) {
    p.setFont(keyFont);
    p.setPen(QColor(0xff, 0xd5, 0x4f));
    p.drawText(QRect(sheet.left() + 20, y, 150, line), Qt::AlignLeft | Qt::AlignVCenter, keys);
    p.setFont(font());
    p.setPen(QColor(0xee, 0xee, 0xee));
    p.drawText(QRect(sheet.left() + 180, y, width - 200, line), Qt::AlignLeft | Qt::AlignVCenter, meaning);
    y += line;
  }
}

}  // namespace psr::ui
