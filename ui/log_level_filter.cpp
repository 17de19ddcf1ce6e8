#include "log_level_filter.h"

#include "log_model.h"

namespace psr::ui {

LogLevelFilter::LogLevelFilter(QObject* parent) : QSortFilterProxyModel(parent) {}

void LogLevelFilter::setMinimumLevel(int level) {
  if (level == minimumLevel_) return;
  minimumLevel_ = level;
  invalidateFilter();
}

bool LogLevelFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
  const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
  return index.data(LogModel::LevelRole).toInt() >= minimumLevel_;
}

}  // namespace psr::ui
