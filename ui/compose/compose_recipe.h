#pragma once
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QRect>
#include <QSize>
#include <QString>

#include "common/sampling_defaults.h"

namespace psr::ui {

/// One subject reference of a recipe: its name in the prompt and the image it came from.
struct RecipeSubject {
  QString name;
  /// The reference copy, relative to the run folder (absolute before the copy is made).
  QString file;
  /// Where the user took it from; informational, the copy is what generation used.
  QString source;
  /// The part of `source` that was kept; null when the whole image was used.
  QRect crop;
  QSize size;
};

/// One generated image of a recipe.
struct RecipeImage {
  QString file;  ///< relative to the run folder
  qint64 seed = 0;
  QSize size;
};

/** Everything that made a Compose generation, as stored in `runs/compose/<run>/recipe.json`:
 *  references, prompt, model, sampler settings, and the images it produced. */
struct ComposeRecipe {
  static constexpr int kVersion = 1;

  QList<RecipeSubject> subjects;
  QString prompt;
  QString model = QStringLiteral("base");  ///< shipped name or checkpoint folder
  QString modelPath;                       ///< what the CLI resolved `model` to, when it said
  qint64 seed = 0;
  int steps = 20;
  double guidance = kDefaultGuidance;
  int count = 1;
  QList<RecipeImage> images;
  QDateTime created;
  double seconds = 0.0;
  bool cancelled = false;

  QJsonObject toJson() const;
  static ComposeRecipe fromJson(const QJsonObject& json);
};

}  // namespace psr::ui
