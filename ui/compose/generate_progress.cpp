#include "generate_progress.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace psr::ui {

std::optional<GenerateProgress> parseGenerateProgress(const QString& line) {
  const QString trimmed = line.trimmed();
  if (!trimmed.startsWith(QLatin1Char('{'))) return std::nullopt;
  const QJsonObject o = QJsonDocument::fromJson(trimmed.toUtf8()).object();
  if (!o.value(QLatin1String("done")).isDouble() || !o.value(QLatin1String("total")).isDouble()) return std::nullopt;
  GenerateProgress p;
  p.done = o.value(QLatin1String("done")).toInteger();
  p.total = o.value(QLatin1String("total")).toInteger();
  if (p.total <= 0 || p.done < 0) return std::nullopt;
  p.image = o.value(QLatin1String("image")).toInt();
  p.step = o.value(QLatin1String("step")).toInt();
  p.preview = o.value(QLatin1String("preview")).toString();
  return p;
}

}  // namespace psr::ui
