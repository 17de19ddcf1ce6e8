#pragma once
#include <QColor>
#include <QPalette>

// Qt 6.4 has no QStyleHints::colorScheme, so light/dark is read from the platform palette; the
// studio never forces a palette and only derives the few custom colours it needs from it.
namespace psr::ui {

/// True when the palette's window colour is dark (the system runs a dark theme).
bool isDarkPalette(const QPalette& palette);

/// Secondary text (hints, empty states): between text and window colour, readable on both.
QColor mutedTextColor(const QPalette& palette);

/// Background and text colours of the error banner for this palette.
QColor errorBannerBackground(const QPalette& palette);
QColor errorBannerText(const QPalette& palette);

/// Colour of log lines at warning / error level.
QColor warningTextColor(const QPalette& palette);
QColor errorTextColor(const QPalette& palette);

}  // namespace psr::ui
