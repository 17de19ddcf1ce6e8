#include "count_text.h"

#include <QLocale>

namespace psr::ui {

QString countText(qint64 count, const QString& singular, const QString& plural) {
  return QLocale().toString(count) + QLatin1Char(' ') + (count == 1 ? singular : plural);
}

}  // namespace psr::ui
