#pragma once
// Jobs as rows of the workspace's `jobs` table: specs stored with the workspace, states
// (queued, running, paused, finished, failed, cancelled), the pid of the process running one,
// its exit code and a message for the user. Transitions are checked here, once.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace psr::store {
class Workspace;
}

namespace psr::jobs {

struct JobRecord {
  std::int64_t id = 0;
  std::string kind;  ///< "sft", "rl" (a job spec) or "command" ({"args": [...]} for any psr command)
  nlohmann::json spec;
  std::string state;
  std::string device = "cpu";
  std::optional<std::int64_t> pid, exitCode;
  std::string message, createdAt, startedAt, endedAt;
  nlohmann::json toJson() const;
};

class JobStore {
 public:
  explicit JobStore(store::Workspace& workspace) : ws_(workspace) {}

  /// A queued job; InvalidArgument for an unknown kind or a spec of the wrong shape.
  std::int64_t submit(const std::string& kind, const nlohmann::json& spec, const std::string& device = "cpu");
  std::vector<JobRecord> list();
  /// NotFound when there is no such job.
  JobRecord get(std::int64_t id);
  /// The oldest queued job of `device`.
  std::optional<JobRecord> nextQueued(const std::string& device);

  void markRunning(std::int64_t id, std::int64_t pid);
  /// Ends a job unless its process already recorded an end state (the child's own record wins).
  void markEnded(std::int64_t id, const std::string& state, std::optional<std::int64_t> exitCode, const std::string& message);
  /// paused/failed/cancelled -> queued (the trainer resumes from the run's newest checkpoint).
  void requeue(std::int64_t id);
  /// queued -> paused, or cancelled; running jobs are stopped through their process (job_control.h).
  void setState(std::int64_t id, const std::string& state, const std::string& message);

 private:
  store::Workspace& ws_;
};

bool isEndState(const std::string& state);

}  // namespace psr::jobs
