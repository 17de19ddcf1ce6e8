#include "query_table_model.h"

namespace psr::ui {

QueryTableModel::QueryTableModel(const QStringList& headers, const QList<ColumnType>& types, QObject* parent)
    : QAbstractTableModel(parent), headers_(headers), types_(types) {
  Q_ASSERT(headers_.size() == types_.size());
}

void QueryTableModel::setRows(QueryRows rows) {
  if (rows == rows_) return;
  beginResetModel();
  rows_ = std::move(rows);
  endResetModel();
}

int QueryTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(rows_.size()); }

int QueryTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : int(headers_.size());
}

QVariant QueryTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
  const QVariant& value = rows_[index.row()][index.column()];
  switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole: return value;
    case Qt::TextAlignmentRole:
      if (types_[index.column()] == ColumnType::Integer) return int(Qt::AlignRight | Qt::AlignVCenter);
      return int(Qt::AlignLeft | Qt::AlignVCenter);
    default: return {};
  }
}

QVariant QueryTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 && section < headers_.size()) {
    return headers_[section];
  }
  return QAbstractTableModel::headerData(section, orientation, role);
}

}  // namespace psr::ui
