#pragma once
// Runs a workspace's queued jobs of one device, one at a time, as child processes of `psr`
// (`psr -w WS train sft --config runs/jobs/job-N.json --job-id N`), so a crashing job never
// takes the runner or the studio down. Output goes to runs/jobs/job-N.log. One runner per
// workspace and device (a lock file); on start it marks jobs whose process is gone as failed
// ("interrupted"), which `resume` re-queues to continue from their last checkpoint.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "common/cancel.h"

namespace psr::store {
class Workspace;
}

namespace psr::jobs {

struct RunnerOptions {
  std::string device = "cpu";
  std::filesystem::path psr;  ///< the psr executable (default: this process's own)
  bool once = false;          ///< return when the queue is empty instead of waiting
  int pollMs = 500;
  CancellationToken cancel;   ///< stop the runner: the running child is stopped (SIGINT) first
  std::function<void(const std::string&)> log;
};

/// Jobs marked failed because their process was gone.
int recoverInterrupted(store::Workspace& workspace);

/// The runner loop. Throws ReadOnly-like Error when another runner holds the device's lock.
void runQueue(store::Workspace& workspace, const RunnerOptions& options);

/// True when `pid` is a live `psr` process (guards against pid reuse).
bool isPsrProcess(std::int64_t pid);

/// Stop = SIGINT (the trainer saves a checkpoint and exits; the job becomes paused);
/// cancel = SIGKILL now (state cancelled). Queued jobs change state directly.
void stopJob(store::Workspace& workspace, std::int64_t id);
void cancelJob(store::Workspace& workspace, std::int64_t id);

/// Where a job's spec and log live.
std::filesystem::path jobSpecPath(const store::Workspace& workspace, std::int64_t id);
std::filesystem::path jobLogPath(const store::Workspace& workspace, std::int64_t id);

}  // namespace psr::jobs
