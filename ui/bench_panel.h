#pragma once
#include <filesystem>
#include <optional>

#include <QSet>
#include <QStringList>

#include "workspace_panel.h"

class QComboBox;
class QListWidget;
class QMenu;
class QTableView;
class QTabWidget;
class QToolButton;

namespace psr::ui {

class BenchBarView;
class BenchDrilldown;
class BenchGridModel;
class BenchIntervalWorker;
class BenchRunBar;
class ErrorBanner;
class QueryTableModel;
class RadarChart;

/** Bench: runs a suite against checkpoints and reference points (`psr bench run` children, with
 *  progress and cancel) and compares what the workspace holds: a subset × metric table with a
 *  column group per model and "within noise" badges from the report's bootstrap intervals, a
 *  radar chart per dimension, bars with the min / max / mean over models, and a drill-down from
 *  any cell to its samples side by side across models. Reads are a few small queries on the
 *  trigger-maintained sums (bench_cells); the bootstrap runs on a worker thread. */
class BenchPanel : public WorkspacePanel {
  Q_OBJECT

 public:
  explicit BenchPanel(QWidget* parent = nullptr);

  /// Where the `psr` executable is (default: next to the studio).
  void setCliPath(const QString& path);
  /// Compares the models of `suite` (when it has runs; refreshes).
  void setSuite(const QString& suite);
  QString suite() const;
  /// Pools these suites' samples with the current suite's (`psr bench report --pool`): tighter
  /// intervals over the models run on every one of them. Unknown names and the current suite are
  /// ignored; an empty list compares the current suite alone (refreshes).
  void setPooledSuites(const QStringList& suites);
  /// The pooled suites, in the suite list's order (empty: none).
  QStringList pooledSuites() const { return pooled_; }
  /// The current suite followed by the pooled ones: what the table, charts and intervals cover.
  QStringList comparedSuites() const;
  /// Shows exactly these labels, in the order they were first run (refreshes).
  void setShownLabels(const QStringList& labels);
  QStringList shownLabels() const;
  /// Every label run on the current suite, first run first.
  QStringList availableLabels() const;
  /// The drill-down of one table cell; false when the cell is not shown (or is "Overall").
  bool openCell(const QString& subset, const QString& metric, const QString& label);
  /// True until the intervals of the current selection have landed.
  bool intervalsPending() const;

  BenchRunBar* runBar() const { return runBar_; }
  QComboBox* suiteBox() const { return suiteBox_; }
  QToolButton* poolButton() const { return poolButton_; }
  /// Checked: badges follow the category-robust paired intervals instead of the item bootstrap's.
  QToolButton* categoryRuleButton() const { return categoryRule_; }
  QListWidget* labelList() const { return labelList_; }
  BenchGridModel* gridModel() const { return grid_; }
  QTableView* gridView() const { return gridView_; }
  QList<RadarChart*> radarCharts() const { return radars_; }
  BenchBarView* barView() const { return bars_; }
  QComboBox* barMetricBox() const { return barMetric_; }
  BenchDrilldown* drilldown() const { return drilldown_; }
  QTabWidget* tabs() const { return tabs_; }
  ErrorBanner* errorBanner() const { return banner_; }

 signals:
  /// The bootstrap intervals of the shown selection landed (badges and tooltips are current).
  void intervalsUpdated();

 protected:
  bool reload(psr::store::Workspace& workspace) override;

 private:
  QWidget* createSelection();
  QWidget* createCharts();
  void updateSuites(const QStringList& suites);
  void updatePoolMenu();
  void pool(const QStringList& suites);
  void updateLabels(psr::store::Workspace& workspace);
  void updateCharts();
  void onCellClicked(const QModelIndex& index);
  void selectionChanged();

  QString workspaceDir_;
  std::filesystem::path databaseFile_;
  QString fingerprint_;
  bool dirty_ = true;
  QString labelsSuite_;            // the compared suites seenLabels_ belongs to (joined)
  QString labelsPrimary_;          // their first suite: pooling keeps it, and keeps the user's checks
  QStringList pooled_;             // suites pooled with the current one, in the suite list's order
  QSet<QString> seenLabels_;       // labels listed before: a new one is checked when it appears
  QSet<QString> justRun_;          // labels the run bar finished: shown even beyond the default count
  struct Cell {
    QString subset, metric, label;
  };
  std::optional<Cell> pendingCell_;  // opened by the next reload(), which has the workspace
  ErrorBanner* banner_;
  BenchRunBar* runBar_;
  QComboBox* suiteBox_ = nullptr;
  QToolButton* poolButton_ = nullptr;
  QToolButton* categoryRule_ = nullptr;
  QMenu* poolMenu_ = nullptr;
  QListWidget* labelList_ = nullptr;
  BenchGridModel* grid_;
  QTableView* gridView_ = nullptr;
  QList<RadarChart*> radars_;
  BenchBarView* bars_ = nullptr;
  QComboBox* barMetric_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  QueryTableModel* runs_;
  BenchDrilldown* drilldown_;
  BenchIntervalWorker* intervals_;
};

}  // namespace psr::ui
