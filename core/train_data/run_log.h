#pragma once
// A training command's trace in the workspace: its `jobs` row (state, pid, exit, message), its
// `metrics` rows and the `models`/`checkpoints` rows of what it wrote, so the studio can follow
// a run through the database and recover after a crash.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace psr::store {
class Workspace;
}

namespace psr::train_data {

class RunLog {
 public:
  /// Marks job `jobId` running (when > 0 and present; the studio's job runner created it) or
  /// inserts a new job row of `kind` with `spec`.
  RunLog(store::Workspace& workspace, const std::string& kind, const nlohmann::json& spec, const std::string& device,
         std::int64_t jobId = 0);

  std::int64_t jobId() const { return jobId_; }
  /// One step's values (a re-logged step after a resume replaces the old values).
  void metrics(std::int64_t step, const std::map<std::string, double>& values);
  /// A checkpoint folder of model `modelName` (created on first use with `config`).
  void checkpoint(const std::string& modelName, const nlohmann::json& config, std::int64_t step,
                  const std::filesystem::path& dir);
  /// Ends the job: state "finished", "failed" or "cancelled", with the exit code and a message.
  void finish(const std::string& state, int exitCode, const std::string& message);

 private:
  store::Workspace& ws_;
  std::int64_t jobId_ = 0;
  std::int64_t lastCheckpoint_ = 0;
};

}  // namespace psr::train_data
