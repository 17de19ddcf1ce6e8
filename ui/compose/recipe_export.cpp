#include "recipe_export.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QObject>

#include "compose_run_store.h"
#include "history_model.h"

namespace psr::ui {

QString exportedRecipePath(const QString& pngPath) {
  const QFileInfo info(pngPath);
  return info.dir().filePath(info.completeBaseName() + QStringLiteral(".recipe.json"));
}

bool exportHistoryImage(const HistoryItem& item, const QString& pngPath, QString* error) {
  const QString source = item.imagePath();
  if (QFileInfo(pngPath).absoluteFilePath() != QFileInfo(source).absoluteFilePath()) {
    QFile::remove(pngPath);
    if (!QFile::copy(source, pngPath)) {
      *error = QObject::tr("Could not copy %1 to %2.").arg(QDir::toNativeSeparators(source),
                                                          QDir::toNativeSeparators(pngPath));
      return false;
    }
  }
  ComposeRecipe recipe = item.imageRecipe();
  recipe.images.first().file = QFileInfo(pngPath).fileName();
  for (RecipeSubject& s : recipe.subjects) s.file = QDir(item.runDir).absoluteFilePath(s.file);
  return ComposeRunStore::writeRecipe(recipe, exportedRecipePath(pngPath), error);
}

}  // namespace psr::ui
