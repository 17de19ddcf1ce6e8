#pragma once
#include <QFrame>
#include <QList>
#include <QStringList>

class QComboBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace psr::ui {

class CliJob;

/// One model to benchmark: what `psr bench run` gets as --model and as --label.
struct BenchRunTarget {
  QString model;
  QString label;
};

/** Runs a suite against the checked models, one `psr bench run --json` child after another
 *  (never on the GUI thread): the shipped models, the workspace's checkpoints and the reference
 *  points (oracle: the ground-truth render; blind:NAME: NAME without references). Shows the
 *  child's progress lines; Cancel stops the child after its current batch (SIGINT, then SIGKILL)
 *  and drops the rest of the queue. Every finished batch is stored, so running again resumes. */
class BenchRunBar : public QFrame {
  Q_OBJECT

 public:
  explicit BenchRunBar(QWidget* parent = nullptr);

  /// The workspace runs go to; its `checkpoints/` are listed (checks are kept).
  void setWorkspaceDir(const QString& dir);
  /// Suites to offer besides the built-in ones (the current choice is kept).
  void setSuites(const QStringList& suites);
  void setCliPath(const QString& path);

  /// Checks exactly the entries whose --model is in `models`.
  void setCheckedModels(const QStringList& models);
  QList<BenchRunTarget> checkedTargets() const;
  QString suite() const;
  int seeds() const;

  /// Starts the queue; false (and says why in the status) when nothing is checked, no workspace
  /// is open or a run is going on.
  bool start();
  void cancel();
  bool isRunning() const;
  QString statusText() const;
  /// The arguments after `psr -w WORKSPACE` for one target.
  QStringList arguments(const BenchRunTarget& target) const;

  QListWidget* modelList() const { return models_; }
  QComboBox* suiteBox() const { return suite_; }
  QSpinBox* seedsBox() const { return seeds_; }
  QPushButton* runButton() const { return run_; }
  QPushButton* cancelButton() const { return cancel_; }
  QProgressBar* progressBar() const { return progress_; }
  CliJob* job() const { return job_; }

 signals:
  void runningChanged(bool running);
  /// One model's run ended (its values are in the workspace as far as it got).
  void modelFinished(const QString& label, bool ok);
  /// The queue ended: all done, cancelled, or stopped at a failure (`error` says what).
  void finished(bool ok, bool cancelled, const QString& error);

 private:
  void rebuildModels();
  void startNext();
  void onFinished(int exitCode, bool cancelled, const QString& error);
  void setRunning(bool running);

  CliJob* job_;
  QString workspaceDir_;
  QStringList checkpoints_;
  QList<BenchRunTarget> queue_;
  int current_ = -1;
  QListWidget* models_;
  QComboBox* suite_;
  QSpinBox* seeds_;
  QPushButton* run_;
  QPushButton* cancel_;
  QProgressBar* progress_;
  QLabel* status_;
};

}  // namespace psr::ui
