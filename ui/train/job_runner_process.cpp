#include "job_runner_process.h"

#include <signal.h>

#include <QProcess>
#include <QVariant>

#include "common/logging.h"
#include "curate/cli_job.h"

namespace psr::ui {

JobRunnerProcess::JobRunnerProcess(QObject* parent) : QObject(parent), psrPath_(CliJob::defaultPsrPath()) {}

JobRunnerProcess::~JobRunnerProcess() { stopAll(); }

bool JobRunnerProcess::isRunning(const QString& device) const {
  const QProcess* p = runners_.value(device);
  return p && p->state() != QProcess::NotRunning;
}

void JobRunnerProcess::ensureRunning(const QString& workspace, const QString& device) {
  if (workspace != workspace_) {
    stopAll();
    workspace_ = workspace;
  }
  if (isRunning(device)) return;
  if (QProcess* old = runners_.take(device)) old->deleteLater();
  auto* process = new QProcess(this);
  runners_.insert(device, process);
  process->setProcessChannelMode(QProcess::MergedChannels);
  connect(process, &QProcess::readyRead, this, [this, process, device] {
    while (process->canReadLine()) {
      const QString line = QString::fromUtf8(process->readLine()).trimmed();
      if (line.isEmpty()) continue;
      lastLines_[device] = line;
      psr::logger()->info("job runner ({}): {}", device.toStdString(), line.toStdString());
      emit lineReceived(device, line);
    }
  });
  connect(process, &QProcess::finished, this, [this, process, device](int code, QProcess::ExitStatus status) {
    if (process->property("stopping").toBool()) return;
    const QString rest = QString::fromUtf8(process->readAll()).trimmed();
    if (!rest.isEmpty()) lastLines_[device] = rest.section(QLatin1Char('\n'), -1);
    const int exitCode = status == QProcess::CrashExit ? -1 : code;
    emit runnerExited(device, exitCode,
                      tr("The job runner for %1 stopped (exit code %2). %3").arg(device).arg(exitCode).arg(lastLines_.value(device)));
  });
  connect(process, &QProcess::errorOccurred, this, [this, process, device](QProcess::ProcessError error) {
    if (error != QProcess::FailedToStart) return;
    emit runnerExited(device, -1, tr("Could not start the job runner %1: %2").arg(psrPath_, process->errorString()));
  });
  psr::logger()->info("starting the job runner for {} in {}", device.toStdString(), workspace.toStdString());
  process->start(psrPath_, {QStringLiteral("-w"), workspace, QStringLiteral("jobs"), QStringLiteral("run"),
                            QStringLiteral("--device"), device});
}

void JobRunnerProcess::stop(QProcess* process, int waitMs) {
  process->setProperty("stopping", true);
  if (process->state() == QProcess::NotRunning) return;
  // SIGTERM, not SIGINT: the runner treats both as "stop the job with a checkpoint and exit".
  ::kill(pid_t(process->processId()), SIGTERM);
  if (!process->waitForFinished(waitMs)) {
    psr::logger()->warn("the job runner did not stop within {} ms; killing it", waitMs);
    process->kill();
    process->waitForFinished(2000);
  }
}

void JobRunnerProcess::stopAll(int waitMs) {
  for (QProcess* p : runners_) {
    stop(p, waitMs);
    p->deleteLater();
  }
  runners_.clear();
}

}  // namespace psr::ui
