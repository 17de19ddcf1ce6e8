#include "cli_job.h"

#include <signal.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QTimer>

namespace psr::ui {

CliJob::CliJob(QObject* parent)
    : QObject(parent), process_(new QProcess(this)), killTimer_(new QTimer(this)), psrPath_(defaultPsrPath()) {
  // A group of its own lets cancel() reach the child's children too, as Ctrl+C in a terminal would.
  // SIGINT back to its default and no signal blocked: a studio started in the background of a
  // non-interactive shell inherits SIGINT ignored, and a blocked mask survives exec; either way
  // cancel() would only ever end a child by the kill timer (seen in test_curate under ctest).
  // Order matters: cancel() reaches the group as soon as setpgid made it. Were the group made
  // first, a SIGINT in the few instructions before SIG_DFL would meet the studio's inherited
  // disposition (ignored, or a handler) and be lost, leaving the child to the kill timer.
  process_->setChildProcessModifier([] {
    ::signal(SIGINT, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::setpgid(0, 0);
  });
  killTimer_->setSingleShot(true);
  connect(killTimer_, &QTimer::timeout, this, [this] {
    if (!isRunning()) return;
    ::kill(-pid_t(process_->processId()), SIGKILL);
    process_->kill();
  });
  connect(process_, &QProcess::readyReadStandardError, this, &CliJob::readStderr);
  connect(process_, &QProcess::readyReadStandardOutput, this, [this] { stdout_ += process_->readAllStandardOutput(); });
  connect(process_, &QProcess::finished, this, &CliJob::onFinished);
  connect(process_, &QProcess::errorOccurred, this, &CliJob::onError);
  connect(process_, &QProcess::started, this, &CliJob::started);
}

CliJob::~CliJob() {
  // The studio closing must not leave a synthesis run behind: stop it, briefly politely.
  if (!isRunning()) return;
  process_->disconnect(this);
  ::kill(-pid_t(process_->processId()), SIGINT);
  if (!process_->waitForFinished(2000)) {
    ::kill(-pid_t(process_->processId()), SIGKILL);
    process_->waitForFinished(1000);
  }
}

QString CliJob::defaultPsrPath() { return QCoreApplication::applicationDirPath() + QStringLiteral("/psr"); }

void CliJob::startPsr(const QString& workspace, const QStringList& args) {
  start(psrPath_, QStringList{QStringLiteral("-w"), workspace} + args);
}

void CliJob::start(const QString& program, const QStringList& args) {
  if (isRunning()) return;
  cancelling_ = false;
  stderrTail_.clear();
  stdout_.clear();
  lastLine_.clear();
  process_->start(program, args);
}

void CliJob::cancel() {
  if (!isRunning() || cancelling_) return;
  cancelling_ = true;
  killTimer_->start(killTimeoutMs_);
  signalGroup();
}

void CliJob::signalGroup() {
  if (!isRunning() || !cancelling_) return;
  const auto pid = pid_t(process_->processId());
  if (::kill(-pid, SIGINT) == 0) return;
  // Right after start the child has not made its group yet: it is between fork and exec, still
  // running the studio's inherited handlers, so a signal now is lost. Retry until the group
  // exists (it then has SIGINT at its default, set before exec) or the kill timer ends it.
  QTimer::singleShot(50, this, [this] { signalGroup(); });
}

void CliJob::readStderr() {
  stderrTail_ += process_->readAllStandardError();
  // Progress bars redraw with '\r'; either ends a status line.
  for (;;) {
    qsizetype cut = -1;
    for (qsizetype i = 0; i < stderrTail_.size() && cut < 0; ++i) {
      if (stderrTail_[i] == '\n' || stderrTail_[i] == '\r') cut = i;
    }
    if (cut < 0) break;
    flushLine(stderrTail_.left(cut));
    stderrTail_.remove(0, cut + 1);
  }
}

void CliJob::flushLine(const QByteArray& raw) {
  const QString line = QString::fromUtf8(raw).trimmed();
  if (line.isEmpty()) return;
  lastLine_ = line;
  emit lineReceived(line);
  if (const auto p = parseCliProgress(line)) emit progress(p->done, p->total);
}

void CliJob::onFinished(int exitCode, QProcess::ExitStatus status) {
  killTimer_->stop();
  stdout_ += process_->readAllStandardOutput();
  readStderr();
  flushLine(stderrTail_);
  stderrTail_.clear();
  const bool crashed = status == QProcess::CrashExit;
  const int code = crashed ? -1 : exitCode;
  QString error;
  if (!cancelling_ && (crashed || exitCode != 0)) {
    error = crashed ? tr("%1 stopped unexpectedly.").arg(process_->program())
                    : tr("%1 failed with exit code %2.").arg(process_->program()).arg(exitCode);
    if (!lastLine_.isEmpty()) error += QLatin1Char(' ') + lastLine_;
  }
  emit finished(code, cancelling_, error);
}

void CliJob::onError(QProcess::ProcessError error) {
  // Only a failed start has no finished() to follow.
  if (error != QProcess::FailedToStart) return;
  emit finished(-1, false, tr("Could not start %1: %2").arg(process_->program(), process_->errorString()));
}

}  // namespace psr::ui
