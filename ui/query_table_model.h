#pragma once
#include <QAbstractTableModel>
#include <QStringList>

#include "workspace_query.h"

namespace psr::ui {

/** A read-only table of query rows with fixed headers; panels feed it from WorkspaceQuery. */
class QueryTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  QueryTableModel(const QStringList& headers, const QList<ColumnType>& types, QObject* parent = nullptr);

  const QList<ColumnType>& columnTypes() const { return types_; }

  /// Replaces the rows; a refresh that changes nothing keeps the view's selection and scroll.
  void setRows(QueryRows rows);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  QStringList headers_;
  QList<ColumnType> types_;
  QueryRows rows_;
};

}  // namespace psr::ui
