#include "store/workspace.h"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/logging.h"
#include "store/migrations.h"

namespace fs = std::filesystem;

namespace psr::store {
namespace {

constexpr const char* kSubdirs[] = {"blobs", "checkpoints", "runs", "logs"};

void ensureSubdirs(const fs::path& dir) {
  for (const char* sub : kSubdirs) {
    std::error_code ec;
    fs::create_directories(dir / sub, ec);
    if (ec) throw Error("cannot create " + (dir / sub).string() + ": " + ec.message(), ErrorCode::Io);
  }
}

void requireWritable(const fs::path& path) {
  if (::access(path.c_str(), W_OK) != 0) {
    throw Error("workspace " + path.string() +
                    " is not writable (read-only folder or file); nothing was changed. "
                    "Fix its permissions or copy it somewhere writable.",
                ErrorCode::ReadOnly);
  }
}

bool hasUserTables(Database& db) {
  return db.queryInt("SELECT count(*) FROM sqlite_schema WHERE type = 'table'") > 0;
}

}  // namespace

Workspace::Workspace(fs::path dir, std::unique_ptr<Database> db)
    : dir_(std::move(dir)), db_(std::move(db)), blobs_(dir_ / "blobs") {}

bool Workspace::looksLikeWorkspace(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / kDatabaseName, ec);
}

std::unique_ptr<Workspace> Workspace::create(const fs::path& dir) {
  std::error_code ec;
  if (looksLikeWorkspace(dir)) return open(dir);
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) {
      throw Error(dir.string() + " exists and is not a folder; choose another path", ErrorCode::InvalidArgument);
    }
    if (!fs::is_empty(dir, ec)) {
      throw Error(dir.string() + " is not empty and is not a PSR Studio workspace; nothing was changed. "
                  "Choose an empty or new folder.", ErrorCode::NotAWorkspace);
    }
  } else {
    fs::create_directories(dir, ec);
    if (ec) {
      throw Error("cannot create workspace folder " + dir.string() + ": " + ec.message(),
                  ec == std::errc::permission_denied || ec == std::errc::read_only_file_system ? ErrorCode::ReadOnly
                                                                                                  : ErrorCode::Io);
    }
  }
  requireWritable(dir);
  return openChecked(fs::absolute(dir).lexically_normal(), /*allowEmpty=*/true);
}

std::unique_ptr<Workspace> Workspace::open(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    throw Error("workspace folder " + dir.string() + " does not exist; create it with `psr workspace init " +
                    dir.string() + "`", ErrorCode::NotFound);
  }
  if (!looksLikeWorkspace(dir)) {
    throw Error(dir.string() + " is not a PSR Studio workspace (it has no studio.db); nothing was changed. "
                "Create one with `psr workspace init DIR`.", ErrorCode::NotAWorkspace);
  }
  requireWritable(dir);
  requireWritable(dir / kDatabaseName);
  return openChecked(fs::absolute(dir).lexically_normal(), /*allowEmpty=*/false);
}

std::unique_ptr<Workspace> Workspace::openChecked(const fs::path& dir, bool allowEmpty) {
  const fs::path file = dir / kDatabaseName;
  auto db = std::make_unique<Database>(file, allowEmpty ? OpenMode::ReadWriteCreate : OpenMode::ReadWrite);
  int appId = 0;
  try {
    appId = int(db->queryInt("PRAGMA application_id"));
    if (appId == 0 && hasUserTables(*db)) appId = -1;
  } catch (const Error& e) {
    if (e.code() == ErrorCode::Corrupt) {
      throw Error(file.string() + " is damaged or not an SQLite database (" + e.what() +
                      "); nothing was changed. Restore it from a backup or create a new workspace.",
                  ErrorCode::Corrupt);
    }
    throw;
  }
  if (appId != kApplicationId && !(appId == 0 && allowEmpty)) {
    throw Error(file.string() + " is an SQLite database of another application, not a PSR Studio workspace; "
                "nothing was changed.", ErrorCode::NotAWorkspace);
  }
  // Check the version before anything writes (journal mode change included).
  const int version = int(db->queryInt("PRAGMA user_version"));
  if (version > latestSchemaVersion()) migrate(*db);  // throws NewerSchema
  db->exec("PRAGMA journal_mode = WAL");
  // NORMAL in WAL mode survives process crashes (SIGKILL) without losing commits; only a power
  // loss can drop the last transactions, which is the documented trade for write speed.
  db->exec("PRAGMA synchronous = NORMAL");
  if (appId == 0) db->exec("PRAGMA application_id = " + std::to_string(kApplicationId));
  migrate(*db);
  ensureSubdirs(dir);
  return std::unique_ptr<Workspace>(new Workspace(dir, std::move(db)));
}

std::string Workspace::putBlob(std::string_view bytes, std::string_view mime) {
  const std::string digest = blobs_.put(bytes);
  db_->prepare("INSERT OR IGNORE INTO blobs(sha256, bytes, mime) VALUES (?, ?, ?)")
      .bind(1, std::string_view(digest))
      .bind(2, std::int64_t(bytes.size()))
      .bind(3, mime)
      .run();
  return digest;
}

WorkspaceInfo Workspace::info() {
  WorkspaceInfo out;
  out.dir = dir_;
  out.schemaVersion = int(db_->queryInt("PRAGMA user_version"));
  out.latestSchemaVersion = latestSchemaVersion();
  auto tables = db_->prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  while (tables.step()) {
    const std::string name = tables.columnText(0);
    out.counts[name] = db_->queryInt("SELECT count(*) FROM \"" + name + "\"");
  }
  out.blobBytes = db_->queryInt("SELECT coalesce(sum(bytes), 0) FROM blobs");
  auto jobs = db_->prepare("SELECT state, count(*) FROM jobs GROUP BY state");
  while (jobs.step()) out.jobsByState[jobs.columnText(0)] = jobs.columnInt(1);
  return out;
}

nlohmann::json WorkspaceInfo::toJson() const {
  return nlohmann::json{{"path", dir.string()},
                        {"schema_version", schemaVersion},
                        {"latest_schema_version", latestSchemaVersion},
                        {"counts", counts},
                        {"blob_bytes", blobBytes},
                        {"jobs_by_state", jobsByState}};
}

}  // namespace psr::store
