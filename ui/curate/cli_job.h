#pragma once
#include <QObject>
#include <QProcess>
#include <QStringList>

#include "cli_progress.h"

class QTimer;

namespace psr::ui {

/** One child process run for the studio (`psr data synth …`, exports): streams its stderr as
 *  status lines and progress, and stops it cleanly: SIGINT to its process group first (the CLI
 *  finishes the current batch and exits 130), SIGKILL when it has not gone after a grace period. */
class CliJob : public QObject {
  Q_OBJECT

 public:
  explicit CliJob(QObject* parent = nullptr);
  ~CliJob() override;

  /// The `psr` next to the running executable (the studio installs both into one folder).
  static QString defaultPsrPath();

  /// Runs `psr -w workspace args…`.
  void startPsr(const QString& workspace, const QStringList& args);
  /// Runs any program; the studio uses startPsr, tests run children they control.
  void start(const QString& program, const QStringList& args);
  /// Asks the child to stop; no-op when nothing runs.
  void cancel();

  void setPsrPath(const QString& path) { psrPath_ = path; }
  /// How long cancel() waits after SIGINT before SIGKILL.
  void setKillTimeout(int ms) { killTimeoutMs_ = ms; }
  bool isRunning() const { return process_->state() != QProcess::NotRunning; }
  QString lastLine() const { return lastLine_; }
  QString standardOutput() const { return QString::fromUtf8(stdout_); }

 signals:
  void started();
  void lineReceived(const QString& line);
  void progress(long long done, long long total);
  /// The child ended: `exitCode` (-1 when it crashed or could not start), whether cancel() asked
  /// for it, and a message for the user when it failed.
  void finished(int exitCode, bool cancelled, const QString& error);

 private:
  /// SIGINT to the child's process group, retried while the group does not exist yet.
  void signalGroup();
  void readStderr();
  void flushLine(const QByteArray& line);
  void onFinished(int exitCode, QProcess::ExitStatus status);
  void onError(QProcess::ProcessError error);

  QProcess* process_;
  QTimer* killTimer_;
  QString psrPath_;
  int killTimeoutMs_ = 5000;
  bool cancelling_ = false;
  QByteArray stderrTail_;
  QByteArray stdout_;
  QString lastLine_;
};

}  // namespace psr::ui
