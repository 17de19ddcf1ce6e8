#include "generate_request.h"

#include <QDir>

namespace psr::ui {

QStringList GenerateRequest::arguments() const {
  const QDir run(runDir);
  QStringList args{QStringLiteral("generate")};
  if (!recipe.subjects.isEmpty()) {
    args << QStringLiteral("--refs");
    for (const RecipeSubject& s : recipe.subjects) args << run.filePath(s.file);
  }
  args << QStringLiteral("--prompt") << recipe.prompt << QStringLiteral("--out")
       << run.filePath(QStringLiteral("image.png")) << QStringLiteral("--model") << recipe.model
       << QStringLiteral("--seed") << QString::number(recipe.seed) << QStringLiteral("--steps")
       << QString::number(recipe.steps) << QStringLiteral("--guidance") << QString::number(recipe.guidance)
       << QStringLiteral("--count") << QString::number(recipe.count) << QStringLiteral("--preview-dir")
       << previewDir() << QStringLiteral("--json");
  return args;
}

QString GenerateRequest::previewDir() const { return QDir(runDir).filePath(QStringLiteral(".preview")); }

QStringList GenerateRequest::imageFiles() const {
  if (recipe.count <= 1) return {QStringLiteral("image.png")};
  QStringList files;
  for (int i = 1; i <= recipe.count; ++i) files << QStringLiteral("image-%1.png").arg(i);
  return files;
}

}  // namespace psr::ui
