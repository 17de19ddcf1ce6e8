#pragma once
#include <QString>

namespace psr::ui {

/// "1 model" / "3 models", with the count in the locale's digit grouping.
QString countText(qint64 count, const QString& singular, const QString& plural);

}  // namespace psr::ui
