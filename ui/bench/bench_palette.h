#pragma once
#include <QColor>

namespace psr::ui {

/// The colour of the `index`-th model in the Bench panel's charts, legends and drill-down: the
/// report's SVG palette (bench_report.cpp), so the studio and the HTML page agree.
QColor benchModelColor(int index);

}  // namespace psr::ui
