#pragma once
// Schema version 4: a content hash per sample (identities + edit, not pixels), so the synthesis
// pipeline finds duplicates inside a dataset with an index lookup instead of re-reading scenes.
namespace psr::store {
inline constexpr const char* kSchemaV4 = R"SQL(
ALTER TABLE samples ADD COLUMN content_hash TEXT;
CREATE INDEX samples_by_content ON samples(dataset_id, content_hash);
)SQL";
}  // namespace psr::store
