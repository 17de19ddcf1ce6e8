#include "theme.h"

namespace psr::ui {
namespace {

QColor blend(const QColor& a, const QColor& b, double t) {
  return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
                          float(a.blueF() * (1 - t) + b.blueF() * t));
}

}  // namespace

bool isDarkPalette(const QPalette& palette) { return palette.color(QPalette::Window).lightness() < 128; }

QColor mutedTextColor(const QPalette& palette) {
  return blend(palette.color(QPalette::WindowText), palette.color(QPalette::Window), 0.4);
}

QColor errorBannerBackground(const QPalette& palette) {
  return isDarkPalette(palette) ? QColor(0x5c, 0x1f, 0x24) : QColor(0xfd, 0xe8, 0xe8);
}

QColor errorBannerText(const QPalette& palette) {
  return isDarkPalette(palette) ? QColor(0xff, 0xd8, 0xd8) : QColor(0x8a, 0x17, 0x1d);
}

QColor warningTextColor(const QPalette& palette) {
  return isDarkPalette(palette) ? QColor(0xff, 0xc8, 0x57) : QColor(0x9a, 0x5b, 0x00);
}

QColor errorTextColor(const QPalette& palette) {
  return isDarkPalette(palette) ? QColor(0xff, 0x8a, 0x8a) : QColor(0xb0, 0x1e, 0x26);
}

}  // namespace psr::ui
