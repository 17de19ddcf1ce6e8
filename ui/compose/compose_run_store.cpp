#include "compose_run_store.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace psr::ui {
namespace {

/// A fresh `<timestamp>-<n>` folder under `root`; mkdir() fails for an existing one, so two
/// studios on one workspace never share a run.
QString makeRunDir(const QString& root, const QDateTime& now) {
  if (!QDir().mkpath(root)) return {};
  const QString stamp = now.toString(QStringLiteral("yyyyMMdd-HHmmss"));
  for (int n = 1; n < 10000; ++n) {
    const QString name = QStringLiteral("%1-%2").arg(stamp).arg(n);
    if (QDir(root).mkdir(name)) return QDir(root).filePath(name);
  }
  return {};
}

}  // namespace

ComposeRunStore::ComposeRunStore(const QString& workspaceDir)
    : root_(QDir(workspaceDir).filePath(QStringLiteral("runs/compose"))) {}

bool ComposeRunStore::prepare(const ComposeRecipe& draft, GenerateRequest* request, QString* error) const {
  const QDateTime now = QDateTime::currentDateTime();
  const QString runDir = makeRunDir(root_, now);
  if (runDir.isEmpty()) {
    *error = QObject::tr("Could not create a run folder in %1.").arg(QDir::toNativeSeparators(root_));
    return false;
  }
  ComposeRecipe recipe = draft;
  recipe.created = now;
  recipe.images.clear();
  QDir(runDir).mkdir(QStringLiteral("refs"));
  for (int i = 0; i < recipe.subjects.size(); ++i) {
    RecipeSubject& s = recipe.subjects[i];
    QImageReader reader(s.source);
    reader.setAutoTransform(true);
    QImage image = reader.read();
    if (image.isNull()) {
      *error = QObject::tr("Subject %1 (%2): cannot read %3: %4")
                   .arg(i + 1)
                   .arg(s.name, QDir::toNativeSeparators(s.source), reader.errorString());
      QDir(runDir).removeRecursively();
      return false;
    }
    if (!s.crop.isNull()) {
      s.crop = s.crop.intersected(image.rect());
      if (!s.crop.isEmpty()) image = image.copy(s.crop);
    }
    s.file = QStringLiteral("refs/subject-%1.png").arg(i + 1);
    s.size = image.size();
    if (!image.save(QDir(runDir).filePath(s.file), "PNG")) {
      *error = QObject::tr("Could not write the reference copy %1.").arg(QDir(runDir).filePath(s.file));
      QDir(runDir).removeRecursively();
      return false;
    }
  }
  request->runDir = runDir;
  request->recipe = recipe;
  return true;
}

bool ComposeRunStore::finish(GenerateRequest* request, const QJsonObject& cliResult, double seconds, bool cancelled,
                             QString* error) const {
  const QDir run(request->runDir);
  QDir(request->previewDir()).removeRecursively();
  ComposeRecipe& recipe = request->recipe;
  recipe.images.clear();
  recipe.seconds = cliResult.value(QStringLiteral("seconds")).toDouble(seconds);
  recipe.cancelled = cancelled;
  recipe.modelPath = cliResult.value(QStringLiteral("model_path")).toString();
  // The CLI's answer names each image and its seed; without one (a cancelled run) the files on
  // disk tell, with seed S+i as the CLI assigns them.
  const QJsonArray reported = cliResult.value(QStringLiteral("images")).toArray();
  if (!reported.isEmpty()) {
    for (const QJsonValue& v : reported) {
      const QJsonObject o = v.toObject();
      const QString file = run.relativeFilePath(QFileInfo(o.value(QStringLiteral("path")).toString()).absoluteFilePath());
      recipe.images.append({file, o.value(QStringLiteral("seed")).toInteger(recipe.seed), QSize()});
    }
  } else {
    const QStringList files = request->imageFiles();
    for (int i = 0; i < files.size(); ++i) recipe.images.append({files[i], recipe.seed + i, QSize()});
  }
  QList<RecipeImage> present;
  for (RecipeImage& image : recipe.images) {
    QImageReader reader(run.filePath(image.file));
    if (!reader.canRead()) continue;
    image.size = reader.size();
    present.append(image);
  }
  recipe.images = present;
  if (recipe.images.isEmpty()) {
    discard(*request);
    return false;
  }
  return writeRecipe(recipe, run.filePath(recipeFileName()), error);
}

void ComposeRunStore::discard(const GenerateRequest& request) {
  if (!request.runDir.isEmpty()) QDir(request.runDir).removeRecursively();
}

bool ComposeRunStore::writeRecipe(const ComposeRecipe& recipe, const QString& path, QString* error) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) {
    *error = QObject::tr("Could not write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
    return false;
  }
  file.write(QJsonDocument(recipe.toJson()).toJson(QJsonDocument::Indented));
  if (!file.commit()) {
    *error = QObject::tr("Could not write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
    return false;
  }
  return true;
}

}  // namespace psr::ui
