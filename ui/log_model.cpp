#include "log_model.h"

#include <algorithm>

#include <spdlog/common.h>

namespace psr::ui {

LogModel::LogModel(QObject* parent, int capacity) : QAbstractListModel(parent), capacity_(capacity) {}

void LogModel::append(int level, const QString& text) {
  if (lines_.size() >= capacity_) {
    // Drop a tenth at once so a full log does not pay a remove for every new line.
    const int drop = int(lines_.size()) - capacity_ + std::max(1, capacity_ / 10);
    beginRemoveRows({}, 0, drop - 1);
    lines_.remove(0, drop);
    endRemoveRows();
  }
  const int row = int(lines_.size());
  beginInsertRows({}, row, row);
  lines_.append({level, text});
  endInsertRows();
}

void LogModel::clear() {
  beginResetModel();
  lines_.clear();
  endResetModel();
}

void LogModel::setLevelColours(const QColor& warning, const QColor& error) {
  warning_ = warning;
  error_ = error;
  if (!lines_.isEmpty()) emit dataChanged(index(0), index(int(lines_.size()) - 1), {Qt::ForegroundRole});
}

int LogModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(lines_.size()); }

QVariant LogModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
  const Line& line = lines_[index.row()];
  switch (role) {
    case Qt::DisplayRole: return line.text;
    case LevelRole: return line.level;
    case Qt::ForegroundRole:
      if (line.level >= spdlog::level::err && error_.isValid()) return error_;
      if (line.level == spdlog::level::warn && warning_.isValid()) return warning_;
      return {};
    default: return {};
  }
}

}  // namespace psr::ui
