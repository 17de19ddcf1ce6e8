#include "card_palette.h"

#include "theme.h"

namespace psr::ui {
namespace {

QColor mix(const QColor& a, const QColor& b, double t) {
  return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
                          float(a.blueF() * (1 - t) + b.blueF() * t));
}

}  // namespace

QColor acceptedColor(const QPalette& p) { return isDarkPalette(p) ? QColor(0x4c, 0xaf, 0x72) : QColor(0x1e, 0x7e, 0x45); }

QColor rejectedColor(const QPalette& p) { return isDarkPalette(p) ? QColor(0xe0, 0x63, 0x63) : QColor(0xb8, 0x27, 0x2f); }

QColor badgeTextColor(const QPalette& p) { return isDarkPalette(p) ? QColor(0x10, 0x12, 0x14) : QColor(Qt::white); }

QColor scoreColor(double score, const QPalette& p) {
  const bool dark = isDarkPalette(p);
  const QColor low = dark ? QColor(0xe0, 0x63, 0x63) : QColor(0xc6, 0x28, 0x28);
  const QColor mid = dark ? QColor(0xe8, 0xb3, 0x4b) : QColor(0xd0, 0x8a, 0x00);
  const QColor high = dark ? QColor(0x4c, 0xaf, 0x72) : QColor(0x2e, 0x7d, 0x32);
  const double s = qBound(0.0, score, 1.0);
  return s < 0.5 ? mix(low, mid, s * 2) : mix(mid, high, (s - 0.5) * 2);
}

QColor cardColor(const QPalette& p) {
  return isDarkPalette(p) ? mix(p.color(QPalette::Base), QColor(Qt::white), 0.05) : p.color(QPalette::Base);
}

QColor cardBorderColor(const QPalette& p) { return mix(p.color(QPalette::Window), p.color(QPalette::WindowText), 0.18); }

QColor slotColor(const QPalette& p) { return mix(p.color(QPalette::Window), p.color(QPalette::WindowText), 0.08); }

QColor subjectBoxColor(int subject) {
  // Four subjects at most; hues far apart and bright enough over any emoji background.
  static const QColor kColors[] = {QColor(0xff, 0x40, 0x81), QColor(0x00, 0xb0, 0xff), QColor(0xff, 0xc4, 0x00),
                                   QColor(0x00, 0xe6, 0x76)};
  return kColors[((subject % 4) + 4) % 4];
}

}  // namespace psr::ui
