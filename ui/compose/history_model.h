#pragma once
#include <QAbstractListModel>
#include <QCache>
#include <QHash>
#include <QPixmap>
#include <QStringList>

#include "compose_recipe.h"

namespace psr::ui {

/// One generated image and the recipe of the run that made it.
struct HistoryItem {
  QString runDir;
  int image = 0;  ///< index into recipe.images
  ComposeRecipe recipe;

  QString imagePath() const;
  qint64 seed() const { return recipe.images.value(image).seed; }
  /// The recipe reduced to this image (seed and count 1), as restore and export use it.
  ComposeRecipe imageRecipe() const;
};

/** The Compose history: every image of a `runs/compose` run that has a recipe.json, newest
 *  first, with a thumbnail and its recipe in one line. */
class HistoryModel : public QAbstractListModel {
  Q_OBJECT

 public:
  enum Role { ImagePathRole = Qt::UserRole + 1, RunDirRole, SeedRole, PromptRole };

  explicit HistoryModel(QObject* parent = nullptr);

  /// Re-lists `root` (the runs/compose folder); recipes already read are not read again, and
  /// the model resets only when runs appeared or went.
  void setRoot(const QString& root);
  void reload();

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  const HistoryItem& item(int row) const { return items_.at(row); }
  int rowOfRun(const QString& runDir) const;

  /// "seed 42 · 20 steps · guidance 3 · base"
  static QString settingsText(const HistoryItem& item);

 private:
  QPixmap thumbnail(const HistoryItem& item) const;

  QString root_;
  QStringList runs_;
  QHash<QString, ComposeRecipe> recipes_;
  QList<HistoryItem> items_;
  /// Decoded on demand for the visible rows; bounded so a long history stays small in memory.
  mutable QCache<QString, QPixmap> thumbnails_{1000};
};

}  // namespace psr::ui
