#include "cli_progress.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace psr::ui {

std::optional<CliProgress> parseCliProgress(const QString& line) {
  const QString trimmed = line.trimmed();
  if (trimmed.startsWith(QLatin1Char('{'))) {
    const QJsonObject o = QJsonDocument::fromJson(trimmed.toUtf8()).object();
    if (o.value(QLatin1String("done")).isDouble() && o.value(QLatin1String("total")).isDouble()) {
      const auto done = (long long)o.value(QLatin1String("done")).toDouble();
      const auto total = (long long)o.value(QLatin1String("total")).toDouble();
      if (total > 0 && done >= 0) return CliProgress{qMin(done, total), total};
    }
    return std::nullopt;
  }
  // An explicit "progress D/T" wins over other pairs on the line; else the first pair counts.
  static const QRegularExpression tagged(QStringLiteral(R"(\bprogress\b\D*?(\d+)\s*/\s*(\d+))"),
                                         QRegularExpression::CaseInsensitiveOption);
  static const QRegularExpression pair(QStringLiteral(R"((\d+)\s*(?:/|\bof\b)\s*(\d+))"));
  QRegularExpressionMatch m = tagged.match(trimmed);
  if (!m.hasMatch()) m = pair.match(trimmed);
  if (!m.hasMatch()) return std::nullopt;
  const long long done = m.captured(1).toLongLong();
  const long long total = m.captured(2).toLongLong();
  if (total <= 0 || done > total) return std::nullopt;
  return CliProgress{done, total};
}

}  // namespace psr::ui
