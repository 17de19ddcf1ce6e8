#include "score_result.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace psr::ui {
namespace {

/// [x0, y0, x1, y1] as a rectangle; null for anything else.
QRectF rectFrom(const QJsonValue& value) {
  const QJsonArray a = value.toArray();
  if (a.size() != 4) return {};
  return QRectF(QPointF(a[0].toDouble(), a[1].toDouble()), QPointF(a[2].toDouble(), a[3].toDouble())).normalized();
}

QString tr(const char* text) { return QCoreApplication::translate("ScoreResult", text); }

}  // namespace

std::optional<ScoreResult> ScoreResult::fromJson(const QByteArray& json, QString* error) {
  QJsonParseError parseError{};
  const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
  if (doc.isNull() || !doc.isObject()) {
    if (error) *error = tr("The scorer's answer is not JSON: %1").arg(parseError.errorString());
    return std::nullopt;
  }
  const QJsonObject o = doc.object();
  if (!o.contains(QLatin1String("subjects")) || !o.contains(QLatin1String("total"))) {
    if (error) *error = tr("The scorer's answer has no subjects or total.");
    return std::nullopt;
  }
  ScoreResult r;
  r.mode = o.value(QLatin1String("mode")).toString();
  const QJsonObject image = o.value(QLatin1String("image")).toObject();
  r.imageSize = QSize(image.value(QLatin1String("width")).toInt(), image.value(QLatin1String("height")).toInt());
  for (const QJsonValue& v : o.value(QLatin1String("subjects")).toArray()) {
    const QJsonObject s = v.toObject();
    r.subjects.append({s.value(QLatin1String("category")).toString(), s.value(QLatin1String("found")).toBool(),
                       rectFrom(s.value(QLatin1String("box"))), rectFrom(s.value(QLatin1String("reference_box"))),
                       s.value(QLatin1String("consistency")).toDouble()});
  }
  r.psr = o.value(QLatin1String("psr")).toDouble();
  const QJsonObject semantic = o.value(QLatin1String("semantic")).toObject();
  r.semantic = semantic.value(QLatin1String("score")).toDouble();
  for (const QJsonValue& v : semantic.value(QLatin1String("checks")).toArray()) {
    const QJsonObject c = v.toObject();
    r.checks.append({c.value(QLatin1String("name")).toString(), c.value(QLatin1String("score")).toDouble(),
                     c.value(QLatin1String("passed")).toBool()});
  }
  r.aesthetic = o.value(QLatin1String("aesthetic")).toDouble();
  const QJsonObject weights = o.value(QLatin1String("weights")).toObject();
  r.weightPsr = weights.value(QLatin1String("psr")).toDouble();
  r.weightSemantic = weights.value(QLatin1String("semantic")).toDouble();
  r.weightAesthetic = weights.value(QLatin1String("aesthetic")).toDouble();
  r.total = o.value(QLatin1String("total")).toDouble();
  return r;
}

}  // namespace psr::ui
