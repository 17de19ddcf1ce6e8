#pragma once
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "store/blob_store.h"
#include "store/database.h"

namespace psr::store {

/// What `psr workspace info` and the studio's status bar show.
struct WorkspaceInfo {
  std::filesystem::path dir;
  int schemaVersion = 0;
  int latestSchemaVersion = 0;
  std::map<std::string, long long> counts;  // table name -> rows
  long long blobBytes = 0;
  std::map<std::string, long long> jobsByState;

  nlohmann::json toJson() const;
};

/// A studio workspace folder: `studio.db`, `blobs/`, `checkpoints/`, `runs/`, `logs/`.
class Workspace {
 public:
  /// Creates a workspace in `dir` (missing or empty folder); an existing workspace is opened
  /// as is. A non-empty folder that is not a workspace is refused and left untouched.
  static std::unique_ptr<Workspace> create(const std::filesystem::path& dir);
  /// Opens an existing workspace; throws NotFound, NotAWorkspace, Corrupt, NewerSchema or
  /// ReadOnly with a message that names the folder and what to do. Never writes before the
  /// checks pass.
  static std::unique_ptr<Workspace> open(const std::filesystem::path& dir);
  /// True when `dir` holds a studio.db (without opening it).
  static bool looksLikeWorkspace(const std::filesystem::path& dir);

  const std::filesystem::path& dir() const { return dir_; }
  Database& db() { return *db_; }
  const BlobStore& blobs() const { return blobs_; }
  std::filesystem::path checkpointsDir() const { return dir_ / "checkpoints"; }
  std::filesystem::path runsDir() const { return dir_ / "runs"; }
  std::filesystem::path logsDir() const { return dir_ / "logs"; }

  /// Stores bytes in the blob store and records them in the `blobs` table.
  std::string putBlob(std::string_view bytes, std::string_view mime);

  WorkspaceInfo info();

  static constexpr const char* kDatabaseName = "studio.db";

 private:
  Workspace(std::filesystem::path dir, std::unique_ptr<Database> db);
  static std::unique_ptr<Workspace> openChecked(const std::filesystem::path& dir, bool allowEmpty);

  std::filesystem::path dir_;
  std::unique_ptr<Database> db_;
  BlobStore blobs_;
};

}  // namespace psr::store
