#include "generation_queue.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include "compose_run_store.h"
#include "curate/cli_job.h"

namespace psr::ui {
namespace {

/// The `--json` answer: the whole stdout, else its last line that parses as an object.
QJsonObject cliAnswer(const QString& stdoutText) {
  const QJsonDocument whole = QJsonDocument::fromJson(stdoutText.toUtf8());
  if (whole.isObject()) return whole.object();
  const QStringList lines = stdoutText.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
  for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
    const QJsonDocument doc = QJsonDocument::fromJson(it->trimmed().toUtf8());
    if (doc.isObject()) return doc.object();
  }
  return {};
}

}  // namespace

GenerationQueue::GenerationQueue(QObject* parent) : QObject(parent), job_(new CliJob(this)) {
  connect(job_, &CliJob::lineReceived, this, &GenerationQueue::onLine);
  connect(job_, &CliJob::finished, this, &GenerationQueue::onFinished);
}

void GenerationQueue::enqueue(const GenerateRequest& request) {
  pending_.append(request);
  if (running_) emit queueChanged();
  else startNext();
}

void GenerationQueue::cancelCurrent() {
  if (running_) job_->cancel();
}

void GenerationQueue::cancelAll() {
  for (const GenerateRequest& r : std::as_const(pending_)) ComposeRunStore::discard(r);
  pending_.clear();
  cancelCurrent();
  emit queueChanged();
}

void GenerationQueue::startNext() {
  if (running_ || pending_.isEmpty()) return;
  current_ = pending_.takeFirst();
  running_ = true;
  lastMessage_.clear();
  clock_.start();
  emit started(current_);
  emit queueChanged();
  job_->startPsr(workspaceDir_, current_.arguments());
}

void GenerationQueue::onLine(const QString& line) {
  if (!running_) return;
  if (const auto p = parseGenerateProgress(line)) {
    emit progressed(current_, *p);
    return;
  }
  lastMessage_ = line;
}

void GenerationQueue::onFinished(int exitCode, bool cancelled, const QString& jobError) {
  if (!running_) return;
  GenerateRequest request = current_;
  const bool ok = exitCode == 0 && !cancelled;
  QString error;
  if (ok || cancelled) {
    // A cancelled run keeps the images it finished; one that made none leaves no trace.
    ComposeRunStore store(workspaceDir_);
    const QJsonObject answer = cliAnswer(job_->standardOutput());
    if (!store.finish(&request, answer, double(clock_.elapsed()) / 1000.0, cancelled, &error) && ok &&
        error.isEmpty()) {
      error = tr("psr generate reported success but wrote no image into %1.").arg(request.runDir);
    }
  } else {
    error = failureText(exitCode, jobError);
    ComposeRunStore::discard(request);
    request.recipe.images.clear();
  }
  running_ = false;
  current_ = {};
  emit finished(request, ok && error.isEmpty(), cancelled, error);
  emit queueChanged();
  // The next child starts once this one's signals have unwound.
  QTimer::singleShot(0, this, &GenerationQueue::startNext);
}

QString GenerationQueue::failureText(int exitCode, const QString& jobError) const {
  if (exitCode < 0) return tr("Generation did not run: %1").arg(jobError);
  QString what;
  switch (exitCode) {
    case 2: what = tr("the request was not accepted"); break;
    case 3: what = tr("a model or reference was not found"); break;
    default: what = tr("psr generate failed (exit code %1)").arg(exitCode); break;
  }
  const QString detail = lastMessage_.isEmpty() ? jobError : lastMessage_;
  return detail.isEmpty() ? tr("Generation failed: %1.").arg(what)
                          : tr("Generation failed: %1. %2").arg(what, detail);
}

}  // namespace psr::ui
