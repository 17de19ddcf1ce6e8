#pragma once
#include <QSortFilterProxyModel>

namespace psr::ui {

/** Shows the log lines at or above a chosen spdlog level. */
class LogLevelFilter : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  explicit LogLevelFilter(QObject* parent = nullptr);

  void setMinimumLevel(int level);
  int minimumLevel() const { return minimumLevel_; }

 protected:
  bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

 private:
  int minimumLevel_ = 0;
};

}  // namespace psr::ui
