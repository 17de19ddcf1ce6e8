#include "step_files.h"

#include <algorithm>

#include <QDir>

namespace psr::ui {

QList<StepFile> listStepFiles(const QString& dir, const QString& prefix, const QString& suffix) {
  QList<StepFile> files;
  const QDir folder(dir);
  if (dir.isEmpty() || !folder.exists()) return files;
  const QString head = prefix + QLatin1Char('-');
  const QString tail = QLatin1Char('.') + suffix;
  for (const QString& name : folder.entryList({head + QLatin1Char('*') + tail}, QDir::Files)) {
    bool ok = false;
    const qint64 step = name.mid(head.size(), name.size() - head.size() - tail.size()).toLongLong(&ok);
    if (ok) files.append({step, folder.filePath(name)});
  }
  std::sort(files.begin(), files.end(), [](const StepFile& a, const StepFile& b) { return a.step < b.step; });
  return files;
}

}  // namespace psr::ui
