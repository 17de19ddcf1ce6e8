#include "scene_subjects.h"

#include <algorithm>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace psr::ui {
namespace {

QRectF boxOf(const QJsonObject& subject) {
  for (const char* key : {"box_px", "box"}) {
    const QJsonArray a = subject.value(QLatin1String(key)).toArray();
    if (a.size() == 4 && a[0].isDouble() && a[1].isDouble() && a[2].isDouble() && a[3].isDouble()) {
      const QRectF r(QPointF(a[0].toDouble(), a[1].toDouble()), QPointF(a[2].toDouble(), a[3].toDouble()));
      if (r.isValid()) return r;
    }
  }
  return {};
}

void addNumbers(const QJsonObject& object, QList<QPair<QString, double>>& out) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (!it.value().isDouble()) continue;
    const auto existing = std::find_if(out.begin(), out.end(), [&](const auto& n) { return n.first == it.key(); });
    if (existing == out.end()) out.append({it.key(), it.value().toDouble()});
    else existing->second = it.value().toDouble();
  }
}

}  // namespace

SceneSubjects parseSceneSubjects(const QString& sceneJson, const QString& scoresJson) {
  SceneSubjects out;
  const QJsonObject scene = QJsonDocument::fromJson(sceneJson.toUtf8()).object();
  const QJsonValue size = scene.value(QLatin1String("size"));
  if (size.isDouble()) out.canvas = size.toDouble();
  else if (size.isArray() && !size.toArray().isEmpty()) out.canvas = size.toArray().at(0).toDouble();
  for (const QJsonValue& v : scene.value(QLatin1String("subjects")).toArray()) {
    const QJsonObject o = v.toObject();
    SceneSubject s;
    s.category = o.value(QLatin1String("category")).toString();
    s.identity = o.value(QLatin1String("identity")).toString();
    s.box = boxOf(o);
    addNumbers(o, s.numbers);
    out.subjects.append(s);
  }
  const QJsonArray scored = QJsonDocument::fromJson(scoresJson.toUtf8()).object().value(QLatin1String("subjects")).toArray();
  for (int i = 0; i < scored.size(); ++i) {
    const QJsonObject o = scored[i].toObject();
    if (i >= out.subjects.size()) {
      SceneSubject s;
      s.category = o.value(QLatin1String("category")).toString();
      out.subjects.append(s);
    }
    addNumbers(o, out.subjects[i].numbers);
  }
  return out;
}

}  // namespace psr::ui
