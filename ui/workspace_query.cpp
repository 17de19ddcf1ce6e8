#include "workspace_query.h"

#include <QString>

#include "store/workspace.h"

namespace psr::ui {

qint64 WorkspaceQuery::count(std::string_view sql) { return workspace_.db().queryInt(sql); }

QueryRows WorkspaceQuery::rows(std::string_view sql, const QList<ColumnType>& columns) {
  QueryRows out;
  auto statement = workspace_.db().prepare(sql);
  while (statement.step()) {
    QList<QVariant> row;
    row.reserve(columns.size());
    for (int c = 0; c < columns.size(); ++c) {
      if (statement.columnIsNull(c)) {
        row.append(QVariant());
      } else if (columns[c] == ColumnType::Integer) {
        row.append(qlonglong(statement.columnInt(c)));
      } else {
        row.append(QString::fromStdString(statement.columnText(c)));
      }
    }
    out.append(std::move(row));
  }
  return out;
}

}  // namespace psr::ui
