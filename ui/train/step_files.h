#pragma once
#include <QList>
#include <QString>

namespace psr::ui {

/// One numbered file of a run folder: `step-0000200.png` → 200.
struct StepFile {
  qint64 step = 0;
  QString path;
};

/// The `prefix-NNNNNNN.suffix` files of `dir`, by number (empty when the folder is missing).
QList<StepFile> listStepFiles(const QString& dir, const QString& prefix, const QString& suffix);

}  // namespace psr::ui
