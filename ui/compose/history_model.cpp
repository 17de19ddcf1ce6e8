#include "history_model.h"

#include <algorithm>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QJsonDocument>
#include <QLocale>

#include "compose_run_store.h"

namespace psr::ui {
namespace {

constexpr int kThumbnail = 72;

/// Run folders are `<yyyyMMdd-HHmmss>-<n>`: newest stamp first, then the higher n.
bool newerRun(const QString& a, const QString& b) {
  const int cutA = a.lastIndexOf(QLatin1Char('-'));
  const int cutB = b.lastIndexOf(QLatin1Char('-'));
  const QString stampA = a.left(cutA), stampB = b.left(cutB);
  if (stampA != stampB) return stampA > stampB;
  return a.mid(cutA + 1).toInt() > b.mid(cutB + 1).toInt();
}

QString modelLabel(const QString& model) {
  return QFileInfo(model).isAbsolute() ? QFileInfo(model).fileName() : model;
}

}  // namespace

QString HistoryItem::imagePath() const { return QDir(runDir).filePath(recipe.images.value(image).file); }

ComposeRecipe HistoryItem::imageRecipe() const {
  ComposeRecipe r = recipe;
  r.seed = seed();
  r.count = 1;
  r.images = {recipe.images.value(image)};
  return r;
}

HistoryModel::HistoryModel(QObject* parent) : QAbstractListModel(parent) {}

void HistoryModel::setRoot(const QString& root) {
  if (root != root_) {
    beginResetModel();
    root_ = root;
    runs_.clear();
    recipes_.clear();
    items_.clear();
    thumbnails_.clear();
    endResetModel();
  }
  reload();
}

void HistoryModel::reload() {
  QStringList runs;
  if (!root_.isEmpty()) {
    for (const QFileInfo& dir : QDir(root_).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
      if (QFileInfo(QDir(dir.absoluteFilePath()).filePath(ComposeRunStore::recipeFileName())).isFile()) {
        runs << dir.fileName();
      }
    }
  }
  std::sort(runs.begin(), runs.end(), newerRun);
  if (runs == runs_) return;
  beginResetModel();
  runs_ = runs;
  items_.clear();
  for (const QString& run : std::as_const(runs_)) {
    const QString runDir = QDir(root_).filePath(run);
    if (!recipes_.contains(run)) {
      QFile file(QDir(runDir).filePath(ComposeRunStore::recipeFileName()));
      const QJsonDocument doc = file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll()) : QJsonDocument();
      recipes_.insert(run, ComposeRecipe::fromJson(doc.object()));
    }
    const ComposeRecipe& recipe = recipes_.value(run);
    for (int i = 0; i < recipe.images.size(); ++i) items_.append({runDir, i, recipe});
  }
  endResetModel();
}

int HistoryModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(items_.size()); }

QVariant HistoryModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= items_.size()) return {};
  const HistoryItem& item = items_.at(index.row());
  switch (role) {
    case Qt::DisplayRole: {
      const QString prompt = item.recipe.prompt.isEmpty() ? tr("(no prompt)") : item.recipe.prompt;
      return QStringLiteral("%1\n%2 \u00b7 %3").arg(prompt, settingsText(item),
                                                   QLocale().toString(item.recipe.created, QLocale::ShortFormat));
    }
    case Qt::DecorationRole: return thumbnail(item);
    case Qt::ToolTipRole:
      return tr("%1\nSubjects: %2\n%3\n%4")
          .arg(item.recipe.prompt,
               [&] {
                 QStringList names;
                 for (const RecipeSubject& s : item.recipe.subjects) names << s.name;
                 return names.isEmpty() ? tr("none") : names.join(QStringLiteral(", "));
               }(),
               settingsText(item), QDir::toNativeSeparators(item.imagePath()));
    case ImagePathRole: return item.imagePath();
    case RunDirRole: return item.runDir;
    case SeedRole: return item.seed();
    case PromptRole: return item.recipe.prompt;
    default: return {};
  }
}

int HistoryModel::rowOfRun(const QString& runDir) const {
  const QString wanted = QFileInfo(runDir).absoluteFilePath();
  for (int i = 0; i < items_.size(); ++i) {
    if (QFileInfo(items_[i].runDir).absoluteFilePath() == wanted) return i;
  }
  return -1;
}

QString HistoryModel::settingsText(const HistoryItem& item) {
  QString text = tr("seed %1 \u00b7 %2 steps \u00b7 guidance %3 \u00b7 %4")
                     .arg(item.seed())
                     .arg(item.recipe.steps)
                     .arg(item.recipe.guidance)
                     .arg(modelLabel(item.recipe.model));
  if (item.recipe.cancelled) text += tr(" \u00b7 cancelled");
  return text;
}

QPixmap HistoryModel::thumbnail(const HistoryItem& item) const {
  const QString path = item.imagePath();
  if (const QPixmap* cached = thumbnails_.object(path)) return *cached;
  QImageReader reader(path);
  QImage image = reader.read();
  QPixmap pixmap;
  if (!image.isNull()) {
    // Small generations are enlarged with sharp pixels, large ones reduced smoothly.
    const bool enlarge = image.width() < kThumbnail && image.height() < kThumbnail;
    pixmap = QPixmap::fromImage(image.scaled(kThumbnail, kThumbnail, Qt::KeepAspectRatio,
                                             enlarge ? Qt::FastTransformation : Qt::SmoothTransformation));
  }
  thumbnails_.insert(path, new QPixmap(pixmap));
  return pixmap;
}

}  // namespace psr::ui
