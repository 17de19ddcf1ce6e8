#pragma once
// Schema version 2: the emoji world's catalog, written by `psr assets import`. An identity is
// (vendor, category); its split is the category's, copied so training code can refuse held-out
// identities with one column check.
namespace psr::store {
inline constexpr const char* kSchemaV2 = R"SQL(
CREATE TABLE world_vendors (
  id      INTEGER PRIMARY KEY,
  name    TEXT NOT NULL UNIQUE,
  title   TEXT NOT NULL,
  package TEXT NOT NULL,
  version TEXT NOT NULL,
  license TEXT NOT NULL
);
CREATE TABLE world_categories (
  id        INTEGER PRIMARY KEY,
  codepoint TEXT NOT NULL UNIQUE,
  noun      TEXT NOT NULL UNIQUE,
  grp       TEXT NOT NULL,
  subgroup  TEXT NOT NULL,
  split     TEXT NOT NULL CHECK (split IN ('train', 'heldout'))
);
CREATE TABLE world_identities (
  id          INTEGER PRIMARY KEY,
  category_id INTEGER NOT NULL REFERENCES world_categories(id) ON DELETE CASCADE,
  vendor_id   INTEGER NOT NULL REFERENCES world_vendors(id) ON DELETE CASCADE,
  variant     TEXT NOT NULL DEFAULT '',
  asset       TEXT NOT NULL,
  split       TEXT NOT NULL CHECK (split IN ('train', 'heldout')),
  UNIQUE (category_id, vendor_id, variant)
);
CREATE INDEX world_identities_by_split ON world_identities(split);
CREATE TABLE world_accessories (
  id        INTEGER PRIMARY KEY,
  name      TEXT NOT NULL UNIQUE,
  codepoint TEXT NOT NULL,
  asset     TEXT NOT NULL,
  anchor_x  REAL NOT NULL,
  anchor_y  REAL NOT NULL,
  pivot_x   REAL NOT NULL,
  pivot_y   REAL NOT NULL,
  width     REAL NOT NULL,
  behind    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE world_actions (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  spec TEXT NOT NULL
);
CREATE TABLE world_backgrounds (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('gradient', 'artwork')),
  spec TEXT NOT NULL
);
)SQL";
}  // namespace psr::store
