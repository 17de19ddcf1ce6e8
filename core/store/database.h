#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace psr::store {

/// A prepared statement; bind with 1-based indices, step until it returns false.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bindNull(int index);
  Statement& bindBlob(int index, const void* data, std::size_t size);

  /// Advances; true while a row is available.
  bool step();
  /// Runs to completion (for statements without rows).
  void run();
  void reset();

  std::int64_t columnInt(int column) const;
  double columnDouble(int column) const;
  std::string columnText(int column) const;
  bool columnIsNull(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

/// Open flags for Database.
enum class OpenMode { ReadWrite, ReadWriteCreate, ReadOnly };

/// One SQLite connection with the studio's settings (WAL, foreign keys, busy timeout).
class Database {
 public:
  Database(const std::filesystem::path& file, OpenMode mode);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  Statement prepare(std::string_view sql) { return Statement(db_, sql); }
  std::int64_t queryInt(std::string_view sql);
  std::int64_t lastInsertId() const;
  int changes() const;
  const std::filesystem::path& file() const { return file_; }
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path file_;
};

/// RAII transaction: rolls back unless commit() was called. IMMEDIATE so writers queue up
/// at BEGIN instead of failing later with SQLITE_BUSY on lock upgrade.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

/// Throws psr::Error with SQLite's message and a code mapped from SQLite's result code.
[[noreturn]] void throwSqliteError(sqlite3* db, int rc, std::string_view what);

}  // namespace psr::store
