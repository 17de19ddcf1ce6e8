#include "compose_recipe.h"

#include <QJsonArray>

namespace psr::ui {
namespace {

QJsonValue sizeJson(const QSize& size) {
  if (!size.isValid()) return QJsonValue();
  return QJsonArray{size.width(), size.height()};
}

QSize sizeFrom(const QJsonValue& value) {
  const QJsonArray a = value.toArray();
  return a.size() == 2 ? QSize(a[0].toInt(), a[1].toInt()) : QSize();
}

}  // namespace

QJsonObject ComposeRecipe::toJson() const {
  QJsonArray subjectArray;
  for (const RecipeSubject& s : subjects) {
    QJsonObject o{{QStringLiteral("name"), s.name},
                  {QStringLiteral("file"), s.file},
                  {QStringLiteral("source"), s.source},
                  {QStringLiteral("size"), sizeJson(s.size)}};
    o.insert(QStringLiteral("crop"), s.crop.isNull() ? QJsonValue()
                                                      : QJsonArray{s.crop.x(), s.crop.y(), s.crop.width(),
                                                                   s.crop.height()});
    subjectArray.append(o);
  }
  QJsonArray imageArray;
  for (const RecipeImage& image : images) {
    imageArray.append(QJsonObject{{QStringLiteral("file"), image.file},
                                  {QStringLiteral("seed"), image.seed},
                                  {QStringLiteral("size"), sizeJson(image.size)}});
  }
  return QJsonObject{{QStringLiteral("version"), kVersion},
                     {QStringLiteral("created"), created.toString(Qt::ISODateWithMs)},
                     {QStringLiteral("prompt"), prompt},
                     {QStringLiteral("model"), model},
                     {QStringLiteral("model_path"), modelPath},
                     {QStringLiteral("seed"), seed},
                     {QStringLiteral("steps"), steps},
                     {QStringLiteral("guidance"), guidance},
                     {QStringLiteral("count"), count},
                     {QStringLiteral("subjects"), subjectArray},
                     {QStringLiteral("images"), imageArray},
                     {QStringLiteral("seconds"), seconds},
                     {QStringLiteral("cancelled"), cancelled}};
}

ComposeRecipe ComposeRecipe::fromJson(const QJsonObject& json) {
  ComposeRecipe r;
  r.created = QDateTime::fromString(json.value(QStringLiteral("created")).toString(), Qt::ISODateWithMs);
  r.prompt = json.value(QStringLiteral("prompt")).toString();
  r.model = json.value(QStringLiteral("model")).toString(r.model);
  r.modelPath = json.value(QStringLiteral("model_path")).toString();
  r.seed = json.value(QStringLiteral("seed")).toInteger();
  r.steps = json.value(QStringLiteral("steps")).toInt(r.steps);
  r.guidance = json.value(QStringLiteral("guidance")).toDouble(r.guidance);
  r.count = json.value(QStringLiteral("count")).toInt(r.count);
  r.seconds = json.value(QStringLiteral("seconds")).toDouble();
  r.cancelled = json.value(QStringLiteral("cancelled")).toBool();
  for (const QJsonValue& v : json.value(QStringLiteral("subjects")).toArray()) {
    const QJsonObject o = v.toObject();
    RecipeSubject s;
    s.name = o.value(QStringLiteral("name")).toString();
    s.file = o.value(QStringLiteral("file")).toString();
    s.source = o.value(QStringLiteral("source")).toString();
    s.size = sizeFrom(o.value(QStringLiteral("size")));
    const QJsonArray crop = o.value(QStringLiteral("crop")).toArray();
    if (crop.size() == 4) s.crop = QRect(crop[0].toInt(), crop[1].toInt(), crop[2].toInt(), crop[3].toInt());
    r.subjects.append(s);
  }
  for (const QJsonValue& v : json.value(QStringLiteral("images")).toArray()) {
    const QJsonObject o = v.toObject();
    r.images.append({o.value(QStringLiteral("file")).toString(), o.value(QStringLiteral("seed")).toInteger(),
                     sizeFrom(o.value(QStringLiteral("size")))});
  }
  return r;
}

}  // namespace psr::ui
