#include "train_data/run_log.h"

#include <unistd.h>

#include "store/database.h"
#include "store/workspace.h"

namespace psr::train_data {

RunLog::RunLog(store::Workspace& ws, const std::string& kind, const nlohmann::json& spec, const std::string& device,
               std::int64_t jobId)
    : ws_(ws) {
  auto& db = ws_.db();
  if (jobId > 0) {
    auto st = db.prepare(
        "UPDATE jobs SET state = 'running', pid = ?, started_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), "
        "ended_at = NULL, exit_code = NULL, message = '' WHERE id = ?");
    st.bind(1, std::int64_t(::getpid())).bind(2, jobId).run();
    if (db.changes() == 1) {
      jobId_ = jobId;
      return;
    }
  }
  auto st = db.prepare(
      "INSERT INTO jobs (kind, spec, state, device, pid, started_at) "
      "VALUES (?, ?, 'running', ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
  st.bind(1, kind).bind(2, spec.dump()).bind(3, device).bind(4, std::int64_t(::getpid())).run();
  jobId_ = db.lastInsertId();
}

void RunLog::metrics(std::int64_t step, const std::map<std::string, double>& values) {
  auto& db = ws_.db();
  store::Transaction tx(db);
  auto st = db.prepare("INSERT OR REPLACE INTO metrics (job_id, step, name, value) VALUES (?, ?, ?, ?)");
  for (const auto& [name, value] : values) {
    st.bind(1, jobId_).bind(2, step).bind(3, name).bind(4, value).run();
    st.reset();
  }
  tx.commit();
}

void RunLog::checkpoint(const std::string& modelName, const nlohmann::json& config, std::int64_t step,
                        const std::filesystem::path& dir) {
  auto& db = ws_.db();
  store::Transaction tx(db);
  db.prepare("INSERT OR IGNORE INTO models (name, kind, config) VALUES (?, 'generator', ?)")
      .bind(1, modelName)
      .bind(2, config.dump())
      .run();
  auto find = db.prepare("SELECT id FROM models WHERE name = ?");
  find.bind(1, modelName);
  find.step();
  const auto modelId = find.columnInt(0);
  auto st = db.prepare("INSERT INTO checkpoints (model_id, job_id, parent_id, step, path) VALUES (?, ?, ?, ?, ?)");
  st.bind(1, modelId).bind(2, jobId_);
  if (lastCheckpoint_ > 0) st.bind(3, lastCheckpoint_);
  else st.bindNull(3);
  st.bind(4, step).bind(5, dir.string()).run();
  lastCheckpoint_ = db.lastInsertId();
  tx.commit();
}

void RunLog::finish(const std::string& state, int exitCode, const std::string& message) {
  auto st = ws_.db().prepare(
      "UPDATE jobs SET state = ?, exit_code = ?, message = ?, ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
      "WHERE id = ?");
  st.bind(1, state).bind(2, std::int64_t(exitCode)).bind(3, message).bind(4, jobId_).run();
}

}  // namespace psr::train_data
