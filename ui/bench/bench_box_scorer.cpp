#include "bench_box_scorer.h"

#include "curate/cli_job.h"

namespace psr::ui {

BenchBoxScorer::BenchBoxScorer(QObject* parent) : QObject(parent), job_(new CliJob(this)), cliPath_(CliJob::defaultPsrPath()) {
  connect(job_, &CliJob::finished, this, &BenchBoxScorer::onFinished);
}

void BenchBoxScorer::score(const QList<QPair<QString, ScoreRequest>>& requests) {
  queue_.clear();
  for (const auto& r : requests) {
    if (!results_.contains(r.first) && !errors_.contains(r.first) && r.first != running_) queue_.append(r);
  }
  if (!isRunning()) next();
}

void BenchBoxScorer::stop() {
  queue_.clear();
  job_->cancel();
}

std::optional<ScoreResult> BenchBoxScorer::result(const QString& key) const {
  const auto it = results_.constFind(key);
  if (it == results_.constEnd()) return std::nullopt;
  return *it;
}

bool BenchBoxScorer::isRunning() const { return job_->isRunning() || !running_.isEmpty(); }

void BenchBoxScorer::next() {
  if (queue_.isEmpty()) {
    emit idle();
    return;
  }
  const auto [key, request] = queue_.takeFirst();
  running_ = key;
  job_->start(cliPath_, request.arguments());
}

void BenchBoxScorer::onFinished(int /*exitCode*/, bool cancelled, const QString& error) {
  const QString key = running_;
  running_.clear();
  if (!cancelled) {
    QString parseError;
    const auto parsed = error.isEmpty() ? ScoreResult::fromJson(job_->standardOutput().toUtf8(), &parseError) : std::nullopt;
    if (parsed) results_.insert(key, *parsed);
    else errors_.insert(key, error.isEmpty() ? parseError : error);
    emit scored(key);
  }
  next();
}

}  // namespace psr::ui
