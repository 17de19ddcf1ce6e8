#pragma once
#include <optional>

#include <QList>
#include <QRectF>
#include <QSize>
#include <QString>

namespace psr::ui {

/// One subject of a scored image: its category, where it was found and how consistent it is
/// with its reference.
struct ScoredSubject {
  QString category;
  bool found = false;  ///< false: the official scorer fell back to the whole image
  QRectF box;          ///< in the generated image's pixels
  QRectF referenceBox; ///< in the reference image's pixels
  double consistency = 0;
};

/// One semantic check of the instruction ("accessory hat on subject 1", "position left of").
struct SemanticCheck {
  QString name;
  double score = 0;
  bool passed = false;
};

/** What `psr score --json` prints: per-subject boxes and consistency, the PSR, semantic and
 *  aesthetic scores with the semantic checks, their weights and the weighted total. */
struct ScoreResult {
  QString mode;
  QSize imageSize;
  QList<ScoredSubject> subjects;
  double psr = 0;
  double semantic = 0;
  QList<SemanticCheck> checks;
  double aesthetic = 0;
  double weightPsr = 0, weightSemantic = 0, weightAesthetic = 0;
  double total = 0;

  /// Parses the CLI's JSON; nullopt with `error` set when it is not a score result.
  static std::optional<ScoreResult> fromJson(const QByteArray& json, QString* error);
};

}  // namespace psr::ui
