#pragma once
#include <QElapsedTimer>
#include <QList>
#include <QObject>

#include "generate_progress.h"
#include "generate_request.h"

namespace psr::ui {

class CliJob;

/** Compose's requests, run one `psr generate` child at a time (never on the GUI thread): the
 *  current one reports its denoising steps and previews; Cancel stops it (the next starts),
 *  Cancel all also drops the waiting ones. Finished runs are recorded through ComposeRunStore. */
class GenerationQueue : public QObject {
  Q_OBJECT

 public:
  explicit GenerationQueue(QObject* parent = nullptr);

  CliJob* job() const { return job_; }
  /// The workspace the children run in (`psr -w DIR`).
  void setWorkspaceDir(const QString& dir) { workspaceDir_ = dir; }

  /// Queues a prepared request (its run folder exists); starts it when nothing runs.
  void enqueue(const GenerateRequest& request);
  /// Stops the running child; waiting requests go on.
  void cancelCurrent();
  /// Drops the waiting requests and stops the running child.
  void cancelAll();

  bool isRunning() const { return running_; }
  int pendingCount() const { return int(pending_.size()); }
  const GenerateRequest& current() const { return current_; }

 signals:
  void started(const GenerateRequest& request);
  void progressed(const GenerateRequest& request, const GenerateProgress& progress);
  /// The run ended; `request.recipe` now lists the images it left (none when it failed).
  void finished(const GenerateRequest& request, bool succeeded, bool cancelled, const QString& error);
  /// Running state or the number of waiting requests changed.
  void queueChanged();

 private:
  void startNext();
  void onLine(const QString& line);
  void onFinished(int exitCode, bool cancelled, const QString& error);
  QString failureText(int exitCode, const QString& jobError) const;

  CliJob* job_;
  QString workspaceDir_;
  QList<GenerateRequest> pending_;
  GenerateRequest current_;
  bool running_ = false;
  QString lastMessage_;
  QElapsedTimer clock_;
};

}  // namespace psr::ui
