#pragma once
#include <optional>

#include <QHash>
#include <QList>
#include <QObject>

#include "inspect/score_request.h"
#include "inspect/score_result.h"

namespace psr::ui {

class CliJob;

/** Boxes and per-subject scores of drill-down images. The workspace stores one number per metric
 *  and sample; where each subject was found and how consistent it is comes from `psr score
 *  --json`, run in a child process per image, one at a time. Answers are kept per key, so
 *  going back to a sample shows them at once; a new request list replaces the queue. */
class BenchBoxScorer : public QObject {
  Q_OBJECT

 public:
  explicit BenchBoxScorer(QObject* parent = nullptr);

  void setCliPath(const QString& path) { cliPath_ = path; }
  /// Scores the requests not answered yet, in order; what was queued before is dropped and a
  /// running child is left to finish (its answer is kept).
  void score(const QList<QPair<QString, ScoreRequest>>& requests);
  /// Drops the queue and stops a running child (the drill-down was closed).
  void stop();

  std::optional<ScoreResult> result(const QString& key) const;
  QString error(const QString& key) const { return errors_.value(key); }
  bool isRunning() const;

 signals:
  /// `key` was answered: result() or error() has it now.
  void scored(const QString& key);
  /// Nothing left to run.
  void idle();

 private:
  void next();
  void onFinished(int exitCode, bool cancelled, const QString& error);

  CliJob* job_;
  QString cliPath_;
  QString running_;
  QList<QPair<QString, ScoreRequest>> queue_;
  QHash<QString, ScoreResult> results_;
  QHash<QString, QString> errors_;
};

}  // namespace psr::ui
