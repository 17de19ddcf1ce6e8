#pragma once
#include <QJsonObject>
#include <QString>

#include "generate_request.h"

namespace psr::ui {

/** The Compose runs of one workspace, `runs/compose/<yyyyMMdd-HHmmss>-<n>/`: each holds the
 *  reference copies (`refs/`), the generated image(s) and `recipe.json`, so a recipe survives
 *  moving or editing the original references. */
class ComposeRunStore {
 public:
  explicit ComposeRunStore(const QString& workspaceDir);

  QString rootDir() const { return root_; }

  /// Makes a new run folder and copies `draft`'s references into it (cropped, as PNG);
  /// `draft.subjects[].source` are the user's files. Returns false with `error` set on failure
  /// and leaves nothing behind.
  bool prepare(const ComposeRecipe& draft, GenerateRequest* request, QString* error) const;

  /// Records what the run produced (the images on disk; seeds and model path from the CLI's
  /// `--json` answer when there is one) and writes recipe.json. A run without images is
  /// removed and false returned.
  bool finish(GenerateRequest* request, const QJsonObject& cliResult, double seconds, bool cancelled,
              QString* error) const;

  /// Removes a run folder that will not be used (failed before any image).
  static void discard(const GenerateRequest& request);

  static QString recipeFileName() { return QStringLiteral("recipe.json"); }
  /// Writes `recipe` as JSON to `path` atomically.
  static bool writeRecipe(const ComposeRecipe& recipe, const QString& path, QString* error);

 private:
  QString root_;
};

}  // namespace psr::ui
