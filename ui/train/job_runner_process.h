#pragma once
#include <QMap>
#include <QObject>
#include <QString>

class QProcess;

namespace psr::ui {

/** The `psr -w WS jobs run --device D` children of the studio, one per device: started when a job
 *  is launched or resumed, stopped with SIGTERM when the studio closes (the runner stops its job
 *  with a checkpoint, the job becomes paused, and resumes from there next time). */
class JobRunnerProcess : public QObject {
  Q_OBJECT

 public:
  explicit JobRunnerProcess(QObject* parent = nullptr);
  ~JobRunnerProcess() override;

  void setPsrPath(const QString& path) { psrPath_ = path; }
  /// Starts the runner of `device` for `workspace` unless it runs; a runner of another workspace
  /// is stopped first.
  void ensureRunning(const QString& workspace, const QString& device);
  bool isRunning(const QString& device) const;
  /// SIGTERM to every runner, then waits up to `waitMs` for each (SIGKILL after that).
  void stopAll(int waitMs = 20000);
  /// The last line a runner wrote, for status text.
  QString lastLine(const QString& device) const { return lastLines_.value(device); }

 signals:
  void lineReceived(const QString& device, const QString& line);
  /// A runner ended by itself (another runner holds the device, a broken workspace): `message` says why.
  void runnerExited(const QString& device, int exitCode, const QString& message);

 private:
  void stop(QProcess* process, int waitMs);

  QString psrPath_;
  QString workspace_;
  QMap<QString, QProcess*> runners_;
  QMap<QString, QString> lastLines_;
};

}  // namespace psr::ui
