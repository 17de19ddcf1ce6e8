#pragma once
#include <QDialog>
#include <QList>

#include "score_request.h"
#include "score_result.h"

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace psr::ui {

class CliJob;
class ErrorBanner;
class ScoreImageView;

/** The score inspector: one generated image with each subject's box and consistency drawn on
 *  it, the references beside it with their (editable) categories and consistency, the total
 *  and its PSR / semantic / aesthetic parts, and the semantic checks that passed or failed.
 *  Scores come from a `psr score --json` child process, never from the GUI thread. */
class ScoreInspector : public QDialog {
  Q_OBJECT

 public:
  explicit ScoreInspector(QWidget* parent = nullptr);
  ~ScoreInspector() override;

  /// Where the `psr` executable is (default: next to the studio).
  void setCliPath(const QString& path) { cliPath_ = path; }
  /// Shows `request`'s image and references; clears any earlier result.
  void setRequest(const ScoreRequest& request);
  /// The request with the categories as edited.
  ScoreRequest request() const;

  /// Asks for the categories to be checked before scoring (focus on the first one).
  void promptForCategories();
  /// Runs `psr score` for request(); the result or the error lands when it ends.
  void score();
  bool isScoring() const;
  /// Shows a parsed result (what score() does when the CLI answers).
  void showResult(const ScoreResult& result);
  void showError(const QString& message);

  const std::optional<ScoreResult>& result() const { return result_; }
  ScoreImageView* imageView() const { return image_; }
  QListWidget* checkList() const { return checks_; }
  QList<QLineEdit*> categoryEdits() const { return categoryEdits_; }
  QList<QLabel*> consistencyLabels() const { return consistencyLabels_; }
  QString totalsText() const;
  QString statusText() const;
  ErrorBanner* errorBanner() const { return banner_; }
  QPushButton* scoreButton() const { return scoreButton_; }

 signals:
  /// A run ended: `ok` with a result shown, else with the error in the banner.
  void scored(bool ok);

 private:
  void rebuildReferences();
  void onFinished(int exitCode, bool cancelled, const QString& error);

  ScoreRequest request_;
  std::optional<ScoreResult> result_;
  QString cliPath_;
  CliJob* job_;
  ErrorBanner* banner_;
  ScoreImageView* image_;
  QLabel* prompt_;
  QWidget* references_;
  QList<QLineEdit*> categoryEdits_;
  QList<QLabel*> consistencyLabels_;
  QLabel* totals_;
  QListWidget* checks_;
  QLabel* status_;
  QPushButton* scoreButton_;
};

}  // namespace psr::ui
