#pragma once
#include <string_view>

#include <QList>
#include <QVariant>

namespace psr::store {
class Workspace;
}

namespace psr::ui {

/// How a result column is read: text, or a 64-bit integer (so views sort numerically).
enum class ColumnType { Text, Integer };

/// Rows of a small read-only query, one QVariant per column (invalid for SQL NULL).
using QueryRows = QList<QList<QVariant>>;

/** The panels' one path to the workspace database: small read-only queries through core's API. */
class WorkspaceQuery {
 public:
  explicit WorkspaceQuery(psr::store::Workspace& workspace) : workspace_(workspace) {}

  /// A query that yields a single integer (COUNT(*) and friends). Throws psr::Error.
  qint64 count(std::string_view sql);

  /// All rows, each column read as `columns[i]` says. Throws psr::Error.
  QueryRows rows(std::string_view sql, const QList<ColumnType>& columns);

 private:
  psr::store::Workspace& workspace_;
};

}  // namespace psr::ui
