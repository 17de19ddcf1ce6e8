#pragma once
#include <optional>

#include <QWidget>

#include "inspect/score_result.h"

class QLabel;

namespace psr::ui {

class ScoreImageView;
struct BenchSampleOutput;

/** One model's column of the drill-down: its name in its chart colour, the output with each
 *  subject's box, the stored PSR / semantic / aesthetic values (this seed and the mean over
 *  seeds), and each subject's consistency once `psr score` has answered. */
class BenchSampleColumn : public QWidget {
  Q_OBJECT

 public:
  BenchSampleColumn(const QString& label, const QColor& color, int side, QWidget* parent = nullptr);

  QString label() const { return label_; }
  /// The stored output of the shown seed (nullptr: this model has none) and its seed means.
  void setOutput(const BenchSampleOutput* output, int seed, const QString& meansText);
  void setImage(const QImage& image);
  /// Boxes and per-subject scores; nullopt clears them (`status` says why or what is pending).
  void setScore(const std::optional<ScoreResult>& result, const QString& status);

  ScoreImageView* imageView() const { return image_; }
  QString valuesText() const;
  QString subjectsText() const;
  QString errorText() const;

 private:
  void applyScore();

  QString label_;
  std::optional<ScoreResult> score_;
  QString scoreStatus_;
  ScoreImageView* image_;
  QLabel* values_;
  QLabel* subjects_;
  QLabel* error_;
};

}  // namespace psr::ui
