#pragma once
#include <string_view>
#include <vector>

namespace psr::store {

class Database;

/// One schema step; version N's SQL turns a version N-1 database into version N.
struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

/// Every migration this build knows, in order, starting at version 1.
const std::vector<Migration>& migrations();

/// The newest schema version this build can read and write.
int latestSchemaVersion();

/// Applies the missing migrations, each in its own transaction (user_version is bumped in the
/// same transaction, so a crash leaves the database at a well-defined version). Refuses a
/// database newer than this build with ErrorCode::NewerSchema and touches nothing.
void migrate(Database& db);

/// `PRAGMA application_id` of a studio database ("PSRS").
constexpr int kApplicationId = 0x50535253;

}  // namespace psr::store
