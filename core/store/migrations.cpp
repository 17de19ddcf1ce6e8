#include "store/migrations.h"

#include <string>

#include "common/error.h"
#include "common/logging.h"
#include "store/database.h"
#include "store/schema_v1.sql.h"
#include "store/schema_v2.sql.h"
#include "store/schema_v3.sql.h"
#include "store/schema_v4.sql.h"

namespace psr::store {

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1, "foundation: blobs, datasets, samples, reviews, models, checkpoints, jobs, metrics, bench",
       kSchemaV1},
      {2, "emoji world: vendors, categories, identities, accessories, actions, backgrounds", kSchemaV2},
      {3, "synthesis runs; per-sample scene, prompt, source image and consistency", kSchemaV3},
      {4, "per-sample content hash for duplicate detection", kSchemaV4},
  };
  return all;
}

int latestSchemaVersion() { return migrations().back().version; }

void migrate(Database& db) {
  const int current = int(db.queryInt("PRAGMA user_version"));
  const int latest = latestSchemaVersion();
  if (current > latest) {
    throw Error("database " + db.file().string() + " has schema version " + std::to_string(current) +
                    ", written by a newer PSR Studio; this build reads up to version " +
                    std::to_string(latest) + ". Nothing was changed: upgrade PSR Studio to open it.",
                ErrorCode::NewerSchema);
  }
  for (const Migration& m : migrations()) {
    if (m.version <= current) continue;
    Transaction tx(db);
    db.exec(m.sql);
    db.exec("PRAGMA user_version = " + std::to_string(m.version));
    tx.commit();
    logger()->info("workspace schema migrated to version {} ({})", m.version, m.description);
  }
}

}  // namespace psr::store
