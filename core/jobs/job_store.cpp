#include "jobs/job_store.h"

#include "common/error.h"
#include "store/database.h"
#include "store/workspace.h"

namespace psr::jobs {

namespace {

constexpr const char* kColumns =
    "id, kind, spec, state, device, pid, exit_code, message, created_at, COALESCE(started_at, ''), COALESCE(ended_at, '')";

JobRecord rowOf(store::Statement& st) {
  JobRecord r;
  r.id = st.columnInt(0);
  r.kind = st.columnText(1);
  r.spec = nlohmann::json::parse(st.columnText(2), nullptr, false);
  r.state = st.columnText(3);
  r.device = st.columnText(4);
  if (!st.columnIsNull(5)) r.pid = st.columnInt(5);
  if (!st.columnIsNull(6)) r.exitCode = st.columnInt(6);
  r.message = st.columnText(7);
  r.createdAt = st.columnText(8);
  r.startedAt = st.columnText(9);
  r.endedAt = st.columnText(10);
  return r;
}

}  // namespace

bool isEndState(const std::string& state) { return state == "finished" || state == "failed" || state == "cancelled"; }

nlohmann::json JobRecord::toJson() const {
  return {{"id", id}, {"kind", kind}, {"spec", spec}, {"state", state}, {"device", device},
          {"pid", pid ? nlohmann::json(*pid) : nlohmann::json()},
          {"exit_code", exitCode ? nlohmann::json(*exitCode) : nlohmann::json()}, {"message", message},
          {"created_at", createdAt}, {"started_at", startedAt}, {"ended_at", endedAt}};
}

std::int64_t JobStore::submit(const std::string& kind, const nlohmann::json& spec, const std::string& device) {
  if (kind != "sft" && kind != "rl" && kind != "command")
    throw Error("unknown job kind '" + kind + "' (sft, rl or command)", ErrorCode::InvalidArgument);
  if (!spec.is_object()) throw Error("a job spec must be a JSON object", ErrorCode::InvalidArgument);
  if (kind == "command" && !(spec.contains("args") && spec["args"].is_array() && !spec["args"].empty()))
    throw Error("a command job needs {\"args\": [\"subcommand\", ...]}", ErrorCode::InvalidArgument);
  auto st = ws_.db().prepare("INSERT INTO jobs (kind, spec, state, device) VALUES (?, ?, 'queued', ?)");
  st.bind(1, kind).bind(2, spec.dump()).bind(3, device).run();
  return ws_.db().lastInsertId();
}

std::vector<JobRecord> JobStore::list() {
  auto st = ws_.db().prepare(std::string("SELECT ") + kColumns + " FROM jobs ORDER BY id");
  std::vector<JobRecord> out;
  while (st.step()) out.push_back(rowOf(st));
  return out;
}

JobRecord JobStore::get(std::int64_t id) {
  auto st = ws_.db().prepare(std::string("SELECT ") + kColumns + " FROM jobs WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) throw Error("no job " + std::to_string(id) + " in this workspace", ErrorCode::NotFound);
  return rowOf(st);
}

std::optional<JobRecord> JobStore::nextQueued(const std::string& device) {
  auto st = ws_.db().prepare(std::string("SELECT ") + kColumns +
                             " FROM jobs WHERE state = 'queued' AND device = ? ORDER BY id LIMIT 1");
  st.bind(1, device);
  if (!st.step()) return std::nullopt;
  return rowOf(st);
}

void JobStore::markRunning(std::int64_t id, std::int64_t pid) {
  auto st = ws_.db().prepare(
      "UPDATE jobs SET state = 'running', pid = ?, exit_code = NULL, message = '', "
      "started_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ended_at = NULL WHERE id = ?");
  st.bind(1, pid).bind(2, id).run();
}

void JobStore::markEnded(std::int64_t id, const std::string& state, std::optional<std::int64_t> exitCode,
                         const std::string& message) {
  auto st = ws_.db().prepare(
      "UPDATE jobs SET state = ?, exit_code = ?, message = ?, ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
      "WHERE id = ? AND state IN ('running', 'queued')");
  st.bind(1, state);
  if (exitCode) st.bind(2, *exitCode);
  else st.bindNull(2);
  st.bind(3, message).bind(4, id).run();
}

void JobStore::requeue(std::int64_t id) {
  const auto job = get(id);
  if (job.state == "queued") return;
  if (job.state == "running" || job.state == "finished")
    throw Error("job " + std::to_string(id) + " is " + job.state + "; only paused, failed or cancelled jobs resume",
                ErrorCode::InvalidArgument);
  auto st = ws_.db().prepare("UPDATE jobs SET state = 'queued', message = 'resumes from its last checkpoint' WHERE id = ?");
  st.bind(1, id).run();
}

void JobStore::setState(std::int64_t id, const std::string& state, const std::string& message) {
  const auto job = get(id);
  if (isEndState(job.state))
    throw Error("job " + std::to_string(id) + " already " + job.state, ErrorCode::InvalidArgument);
  auto st = ws_.db().prepare(
      "UPDATE jobs SET state = ?, message = ?, ended_at = CASE WHEN ? IN ('finished', 'failed', 'cancelled') "
      "THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now') ELSE ended_at END WHERE id = ?");
  st.bind(1, state).bind(2, message).bind(3, state).bind(4, id).run();
}

}  // namespace psr::jobs
