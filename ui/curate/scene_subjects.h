#pragma once
#include <QList>
#include <QRectF>
#include <QString>

namespace psr::ui {

/// One subject of a target scene as the detail view draws it.
struct SceneSubject {
  QString category;
  QString identity;
  QRectF box;  ///< in scene pixels; null when the scene carries none
  /// Numeric fields of the subject (scene and per-subject scores merged), for the score table.
  QList<QPair<QString, double>> numbers;
};

/// A target scene: canvas side in pixels (0 when unknown) and subjects in scene order.
struct SceneSubjects {
  double canvas = 0;
  QList<SceneSubject> subjects;
};

/// Reads the pipeline's scene JSON ({"size":64,"subjects":[{"category":…,"box_px":[x0,y0,x1,y1]}]})
/// and merges `scoresJson`'s per-subject entries ({"subjects":[{…}]}) by position. Tolerant:
/// anything missing or malformed is skipped, never an error.
SceneSubjects parseSceneSubjects(const QString& sceneJson, const QString& scoresJson);

}  // namespace psr::ui
