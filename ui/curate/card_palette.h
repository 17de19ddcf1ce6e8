#pragma once
#include <QColor>
#include <QPalette>

// Curation colours derived from the active palette, so cards read well in light and dark themes.
namespace psr::ui {

QColor acceptedColor(const QPalette& palette);
QColor rejectedColor(const QPalette& palette);
/// Text drawn on acceptedColor / rejectedColor badges.
QColor badgeTextColor(const QPalette& palette);
/// Red → amber → green along a 0..1 score.
QColor scoreColor(double score, const QPalette& palette);
/// Card face and its outline.
QColor cardColor(const QPalette& palette);
QColor cardBorderColor(const QPalette& palette);
/// Empty image slots and chips.
QColor slotColor(const QPalette& palette);
/// Outline and label colour of subject boxes drawn over a target image.
QColor subjectBoxColor(int subject);

}  // namespace psr::ui
