#pragma once
#include <QString>
#include <QStringList>

#include "compose_recipe.h"

namespace psr::ui {

/** One queued `psr generate` run: its recipe and the run folder it writes into. */
struct GenerateRequest {
  int id = 0;
  /// Absolute `runs/compose/<run>` folder holding the reference copies and, later, the images.
  QString runDir;
  /// Subject files are relative to `runDir`.
  ComposeRecipe recipe;

  /// `generate …` arguments (without `-w`), images into `runDir`, previews into previewDir().
  QStringList arguments() const;
  QString previewDir() const;
  /// The images the CLI writes, relative to `runDir`: `image.png` for one, else `image-<i>.png`.
  QStringList imageFiles() const;
};

}  // namespace psr::ui
