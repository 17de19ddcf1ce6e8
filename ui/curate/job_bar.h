#pragma once
#include <QFrame>
#include <QStringList>

class QLabel;
class QProgressBar;
class QPushButton;
class QToolButton;

namespace psr::ui {

class CliJob;

/** A strip that follows one CliJob: what runs, its latest status line, a progress bar (busy
 *  until the child reports numbers), Cancel; after the run, its outcome until dismissed. */
class JobBar : public QFrame {
  Q_OBJECT

 public:
  explicit JobBar(QWidget* parent = nullptr);

  /// Starts `psr -w workspace args…` under `title`; ignored while a job runs.
  void runPsr(const QString& title, const QString& workspace, const QStringList& args);
  CliJob* job() const { return job_; }
  bool isRunning() const;
  QString statusText() const;
  QProgressBar* progressBar() const { return progress_; }
  QPushButton* cancelButton() const { return cancel_; }

 signals:
  void runningChanged(bool running);
  /// The job ended; `error` is empty on success and on cancel.
  void jobEnded(bool succeeded, const QString& error);

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void finish(int exitCode, bool cancelled, const QString& error);
  void applyColours();

  CliJob* job_;
  QString title_;
  bool failed_ = false;
  QLabel* status_;
  QProgressBar* progress_;
  QPushButton* cancel_;
  QToolButton* dismiss_;
};

}  // namespace psr::ui
