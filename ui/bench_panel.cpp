#include "bench_panel.h"

#include <limits>

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTableView>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "bench/bench_bar_view.h"
#include "bench/bench_cell_delegate.h"
#include "bench/bench_data.h"
#include "bench/bench_drilldown.h"
#include "bench/bench_grid_model.h"
#include "bench/bench_intervals.h"
#include "bench/bench_palette.h"
#include "bench/bench_run_bar.h"
#include "bench/radar_chart.h"
#include "count_text.h"
#include "error_banner.h"
#include "path_conversion.h"
#include "query_table_model.h"
#include "store/workspace.h"
#include "theme.h"
#include "workspace_query.h"

namespace psr::ui {
namespace {

// Models shown when a suite is first opened; wider tables stop being readable. More can be
// checked; every label a run from this panel finishes is shown.
constexpr int kDefaultShown = 6;
enum Tab { TableTab, RadarTab, BarsTab, RunsTab };

QString poolText(qsizetype pooled) {
  return pooled == 0 ? BenchPanel::tr("Pool\u2026") : BenchPanel::tr("Pooled with %n", nullptr, int(pooled));
}

}  // namespace

BenchPanel::BenchPanel(QWidget* parent)
    : WorkspacePanel(tr("Bench"),
                     {tr("No benchmark runs yet"),
                      tr("Bench compares checkpoints on the benchmark's seven subsets, per metric and per seed. "
                         "Runs and their per-sample results are recorded here by the benchmark workflow, for "
                         "example:"),
                      {QStringLiteral("psr bench run \u2026")}},
                     parent),
      banner_(new ErrorBanner),
      runBar_(new BenchRunBar),
      grid_(new BenchGridModel(this)),
      runs_(new QueryTableModel({tr("Run"), tr("Suite"), tr("Seed"), tr("Subsets"), tr("Results"), tr("Failed"), tr("Created")},
                                {ColumnType::Text, ColumnType::Text, ColumnType::Integer, ColumnType::Integer,
                                 ColumnType::Integer, ColumnType::Integer, ColumnType::Text},
                                this)),
      drilldown_(new BenchDrilldown),
      intervals_(new BenchIntervalWorker(this)) {
  setObjectName(QStringLiteral("benchPanel"));
  banner_->hide();
  drilldown_->hide();

  tabs_ = new QTabWidget;
  tabs_->setObjectName(QStringLiteral("benchTabs"));
  tabs_->setDocumentMode(true);
  auto* tablePage = new QWidget;
  gridView_ = new QTableView(tablePage);
  gridView_->setObjectName(QStringLiteral("benchGrid"));
  gridView_->setModel(grid_);
  gridView_->setItemDelegate(new BenchCellDelegate(gridView_));
  gridView_->setSelectionMode(QAbstractItemView::SingleSelection);
  gridView_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  gridView_->setAlternatingRowColors(true);
  gridView_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  auto* legend = new QLabel(tr("Mean over samples and seed replicates. Badges compare each model with the best one on "
                               "the same subset and metric by the report's bootstrap 95 % intervals: \u201cwithin "
                               "noise\u201d when they overlap. Hover for the interval; click a subset cell for its samples."),
                            tablePage);
  legend->setWordWrap(true);
  QPalette muted = legend->palette();
  muted.setColor(QPalette::WindowText, mutedTextColor(palette()));
  legend->setPalette(muted);
  auto* tableLayout = new QVBoxLayout(tablePage);
  tableLayout->setContentsMargins(0, 4, 0, 0);
  tableLayout->addWidget(legend);
  tableLayout->addWidget(gridView_, 1);
  tabs_->insertTab(TableTab, tablePage, tr("Table"));
  tabs_->insertTab(RadarTab, createCharts(), tr("Radar"));
  auto* barsPage = new QWidget;
  barMetric_ = new QComboBox(barsPage);
  barMetric_->setObjectName(QStringLiteral("benchBarMetric"));
  for (const QString& m : benchMetrics()) barMetric_->addItem(benchMetricLongTitle(m), m);
  bars_ = new BenchBarView(barsPage);
  auto* barsTop = new QHBoxLayout;
  barsTop->addWidget(new QLabel(tr("Dimension"), barsPage));
  barsTop->addWidget(barMetric_);
  barsTop->addStretch(1);
  auto* barsLayout = new QVBoxLayout(barsPage);
  barsLayout->setContentsMargins(0, 4, 0, 0);
  barsLayout->addLayout(barsTop);
  barsLayout->addWidget(bars_, 1);
  tabs_->insertTab(BarsTab, barsPage, tr("Bars"));
  tabs_->insertTab(RunsTab, createTable(runs_, QStringLiteral("benchRunsTable"), 0), tr("Runs"));

  auto* split = new QSplitter(Qt::Vertical);
  split->setObjectName(QStringLiteral("benchSplit"));
  split->addWidget(tabs_);
  split->addWidget(drilldown_);
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 3);
  split->setChildrenCollapsible(false);

  auto* page = new QWidget;
  auto* layout = new QVBoxLayout(page);
  layout->setContentsMargins(0, 8, 0, 0);
  layout->addWidget(runBar_);
  layout->addWidget(banner_);
  layout->addWidget(createSelection());
  layout->addWidget(split, 1);
  setContent(page);

  connect(gridView_, &QTableView::clicked, this, &BenchPanel::onCellClicked);
  connect(barMetric_, &QComboBox::currentIndexChanged, this, [this] { updateCharts(); });
  connect(drilldown_, &BenchDrilldown::closeRequested, drilldown_, &QWidget::hide);
  connect(intervals_, &BenchIntervalWorker::ready, this, [this](const BenchIntervals& intervals) {
    grid_->setIntervals(intervals);
    emit intervalsUpdated();
  });
  connect(intervals_, &BenchIntervalWorker::failed, this, [this](const QString& message) {
    banner_->showError(tr("Could not compute the intervals: %1").arg(message));
  });
  connect(runBar_, &BenchRunBar::modelFinished, this, [this](const QString& label, bool) {
    justRun_.insert(label);
    refresh();
  });
  connect(runBar_, &BenchRunBar::finished, this, [this](bool, bool, const QString& error) {
    if (!error.isEmpty()) banner_->showError(error);
    refresh();
  });
}

QWidget* BenchPanel::createSelection() {
  auto* box = new QWidget;
  suiteBox_ = new QComboBox(box);
  suiteBox_->setObjectName(QStringLiteral("benchSuite"));
  suiteBox_->setToolTip(tr("The suite whose runs are compared"));
  poolButton_ = new QToolButton(box);
  poolButton_->setObjectName(QStringLiteral("benchPool"));
  poolButton_->setToolTip(tr("Pool other suites' samples with this one's, for tighter intervals (as psr bench report "
                             "--pool): the models run on every pooled suite with the same seed replicates are "
                             "compared; a cell's samples open from every pooled suite, named by suite"));
  poolButton_->setPopupMode(QToolButton::InstantPopup);
  poolMenu_ = new QMenu(poolButton_);
  poolButton_->setMenu(poolMenu_);
  categoryRule_ = new QToolButton(box);
  categoryRule_->setObjectName(QStringLiteral("benchCategoryRule"));
  categoryRule_->setText(tr("By category"));
  categoryRule_->setCheckable(true);
  categoryRule_->setToolTip(tr("Badges by the category-robust paired intervals (as psr bench report's "
                               "paired_by_category), which let items sharing a subject be correlated, instead of "
                               "the item bootstrap's; where not estimable, the item bootstrap's"));
  connect(categoryRule_, &QToolButton::toggled, this, [this](bool on) {
    grid_->setNoiseRule(on ? NoiseRule::Categories : NoiseRule::Items);
  });
  labelList_ = new QListWidget(box);
  labelList_->setObjectName(QStringLiteral("benchModels"));
  labelList_->setToolTip(tr("Models (run labels) compared in the table and charts, in the order they were first run"));
  labelList_->setFlow(QListView::LeftToRight);
  labelList_->setWrapping(true);
  labelList_->setResizeMode(QListView::Adjust);
  labelList_->setMaximumHeight(labelList_->fontMetrics().height() * 3);
  auto* row = new QHBoxLayout(box);
  row->setContentsMargins(0, 4, 0, 0);
  row->addWidget(new QLabel(tr("Suite"), box));
  row->addWidget(suiteBox_);
  row->addWidget(poolButton_);
  row->addWidget(categoryRule_);
  row->addSpacing(12);
  row->addWidget(new QLabel(tr("Models"), box));
  row->addWidget(labelList_, 1);
  connect(suiteBox_, &QComboBox::currentIndexChanged, this, [this] {
    pooled_.removeAll(suite());
    updatePoolMenu();
    selectionChanged();
  });
  connect(labelList_, &QListWidget::itemChanged, this, [this] { selectionChanged(); });
  updatePoolMenu();
  return box;
}

QWidget* BenchPanel::createCharts() {
  auto* page = new QWidget;
  auto* row = new QHBoxLayout(page);
  row->setContentsMargins(0, 4, 0, 0);
  for (const QString& metric : benchMetrics()) {
    auto* chart = new RadarChart(page);
    chart->setObjectName(QStringLiteral("benchRadar-") + metric);
    chart->setTitle(benchMetricLongTitle(metric));
    radars_ << chart;
    row->addWidget(chart, 1);
  }
  return page;
}

void BenchPanel::setCliPath(const QString& path) {
  runBar_->setCliPath(path);
  drilldown_->setCliPath(path);
}

void BenchPanel::setSuite(const QString& suite) {
  const int index = suiteBox_->findText(suite);
  if (index >= 0) suiteBox_->setCurrentIndex(index);
}

QString BenchPanel::suite() const { return suiteBox_->currentText(); }

QStringList BenchPanel::comparedSuites() const {
  if (suite().isEmpty()) return {};
  return QStringList{suite()} + pooled_;
}

void BenchPanel::setPooledSuites(const QStringList& suites) {
  pool(suites);
  updatePoolMenu();
}

void BenchPanel::pool(const QStringList& suites) {
  pooled_.clear();
  // In the suite list's order, so one set of suites always pools (and bootstraps) the same way.
  for (int i = 0; i < suiteBox_->count(); ++i) {
    const QString name = suiteBox_->itemText(i);
    if (name != suite() && suites.contains(name)) pooled_ << name;
  }
  poolButton_->setText(poolText(pooled_.size()));
  selectionChanged();
}

void BenchPanel::updatePoolMenu() {
  poolMenu_->clear();
  for (int i = 0; i < suiteBox_->count(); ++i) {
    const QString name = suiteBox_->itemText(i);
    if (name == suite()) continue;
    QAction* action = poolMenu_->addAction(name);
    action->setCheckable(true);
    action->setChecked(pooled_.contains(name));
    // The menu stays as it is while one of its actions signals (rebuilding it would delete the sender).
    connect(action, &QAction::toggled, this, [this, name](bool on) {
      QStringList next = pooled_;
      if (on) next << name;
      else next.removeAll(name);
      pool(next);
    });
  }
  poolButton_->setEnabled(!poolMenu_->isEmpty());
  poolButton_->setText(poolText(pooled_.size()));
}

void BenchPanel::setShownLabels(const QStringList& labels) {
  {
    const QSignalBlocker quiet(labelList_);
    for (int i = 0; i < labelList_->count(); ++i) {
      QListWidgetItem* item = labelList_->item(i);
      item->setCheckState(labels.contains(item->text()) ? Qt::Checked : Qt::Unchecked);
    }
  }
  selectionChanged();
}

QStringList BenchPanel::shownLabels() const {
  QStringList out;
  for (int i = 0; i < labelList_->count(); ++i) {
    if (labelList_->item(i)->checkState() == Qt::Checked) out << labelList_->item(i)->text();
  }
  return out;
}

QStringList BenchPanel::availableLabels() const {
  QStringList out;
  for (int i = 0; i < labelList_->count(); ++i) out << labelList_->item(i)->text();
  return out;
}

bool BenchPanel::intervalsPending() const { return intervals_->isBusy() || !grid_->hasIntervals(); }

bool BenchPanel::openCell(const QString& subset, const QString& metric, const QString& label) {
  if (subset == kBenchOverall || grid_->rowOf(subset) < 0 || grid_->columnOf(label, metric) < 0) return false;
  pendingCell_ = Cell{subset, metric, label};
  refresh();
  return drilldown_->isVisibleTo(this) && drilldown_->subset() == subset;
}

void BenchPanel::onCellClicked(const QModelIndex& index) {
  if (!index.isValid()) return;
  openCell(index.data(BenchGridModel::SubsetRole).toString(), index.data(BenchGridModel::MetricRole).toString(),
           index.data(BenchGridModel::LabelRole).toString());
}

void BenchPanel::selectionChanged() {
  dirty_ = true;
  refresh();
}

void BenchPanel::updateSuites(const QStringList& suites) {
  QStringList shown;
  for (int i = 0; i < suiteBox_->count(); ++i) shown << suiteBox_->itemText(i);
  if (shown == suites) return;
  const QString keep = suiteBox_->currentText();
  const QSignalBlocker quiet(suiteBox_);
  suiteBox_->clear();
  suiteBox_->addItems(suites);
  // A suite with no runs yet has nothing to compare: prefer the kept one, else the first with runs.
  suiteBox_->setCurrentIndex(qMax(0, int(suites.indexOf(keep))));
  pooled_.removeIf([&](const QString& s) { return !suites.contains(s) || s == suite(); });
  updatePoolMenu();
}

void BenchPanel::updateLabels(psr::store::Workspace& workspace) {
  const QList<BenchLabel> labels = readBenchLabels(workspace.db(), comparedSuites());
  QStringList names;
  for (const BenchLabel& l : labels) names << l.label;
  // Another suite starts from the default choice; on the same one (pooled or not) the user's
  // checks stay, less labels the pooled suites lack, and labels that appear (a run elsewhere, a
  // run from the bar, un-pooling) join while there is room.
  const QString compared = comparedSuites().join(QStringLiteral(" + "));
  if (compared != labelsSuite_) {
    if (suite() != labelsPrimary_) seenLabels_.clear();
    labelsSuite_ = compared;
    labelsPrimary_ = suite();
  }
  QStringList checked = seenLabels_.isEmpty() ? QStringList() : shownLabels();
  checked.removeIf([&](const QString& name) { return !names.contains(name); });
  for (const QString& name : names) {
    if (checked.contains(name)) continue;
    if (justRun_.contains(name) || (!seenLabels_.contains(name) && checked.size() < kDefaultShown)) checked << name;
  }
  justRun_.clear();
  const QSignalBlocker quiet(labelList_);
  if (availableLabels() != names) {
    labelList_->clear();
    for (const BenchLabel& l : labels) {
      auto* item = new QListWidgetItem(l.label, labelList_);
      item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
      item->setToolTip(tr("%1: %n seed replicate(s)", nullptr, l.seeds).arg(l.label));
    }
  }
  for (int i = 0; i < labelList_->count(); ++i) {
    QListWidgetItem* item = labelList_->item(i);
    item->setCheckState(checked.contains(item->text()) ? Qt::Checked : Qt::Unchecked);
  }
  // Only the listed labels count as seen: one a pooled suite lacked rejoins when it is back.
  seenLabels_ = QSet<QString>(names.begin(), names.end());
}

void BenchPanel::updateCharts() {
  const BenchMeans& means = grid_->means();
  QStringList axes;
  for (const QString& s : means.subsets) axes << benchSubsetTitle(s);
  for (int m = 0; m < radars_.size(); ++m) {
    const QString metric = benchMetrics()[m];
    QList<RadarSeries> series;
    for (int l = 0; l < means.labels.size(); ++l) {
      RadarSeries s{means.labels[l], benchModelColor(l), {}};
      for (const QString& subset : means.subsets) {
        const auto c = means.cell(means.labels[l], subset, metric);
        s.values << (c ? c->mean : std::numeric_limits<double>::quiet_NaN());
      }
      series << s;
    }
    radars_[m]->setAxes(axes);
    radars_[m]->setSeries(series);
  }
  const QString metric = barMetric_->currentData().toString();
  QList<RadarSeries> series;
  for (int l = 0; l < means.labels.size(); ++l) {
    RadarSeries s{means.labels[l], benchModelColor(l), {}};
    for (const QString& subset : means.subsets) {
      const auto c = means.cell(means.labels[l], subset, metric);
      s.values << (c ? c->mean : std::numeric_limits<double>::quiet_NaN());
    }
    const auto overall = means.overall(means.labels[l], metric);
    s.values << (overall ? *overall : std::numeric_limits<double>::quiet_NaN());
    series << s;
  }
  bars_->setTitle(benchMetricLongTitle(metric));
  bars_->setData(axes + QStringList{tr("Overall")}, series);
}

bool BenchPanel::reload(psr::store::Workspace& workspace) {
  const QString dir = toQString(workspace.dir());
  if (dir != workspaceDir_) {
    workspaceDir_ = dir;
    databaseFile_ = workspace.db().file();
    fingerprint_.clear();
    seenLabels_.clear();
    labelsSuite_.clear();
    labelsPrimary_.clear();
    justRun_.clear();
    dirty_ = true;
    banner_->hide();
    drilldown_->hide();
    drilldown_->setBlobStore(workspace.blobs());
    const QSignalBlocker quietSuites(suiteBox_);
    const QSignalBlocker quietLabels(labelList_);
    suiteBox_->clear();
    labelList_->clear();
    pooled_.clear();
  }
  runBar_->setWorkspaceDir(dir);
  auto& db = workspace.db();
  const QString fingerprint = readBenchFingerprint(db);
  if (fingerprint != fingerprint_ || dirty_) {
    fingerprint_ = fingerprint;
    dirty_ = false;
    const QStringList suites = readBenchSuites(db);
    updateSuites(suites);
    runBar_->setSuites(suites);
    updateLabels(workspace);
    const QStringList shown = shownLabels();
    grid_->setMeans(readBenchMeans(db, comparedSuites(), shown));
    gridView_->resizeColumnsToContents();
    updateCharts();
    if (!shown.isEmpty()) intervals_->request(databaseFile_, comparedSuites(), shown);
    WorkspaceQuery query(workspace);
    runs_->setRows(query.rows("SELECT r.label, r.suite, r.seed, count(DISTINCT c.subset), coalesce(sum(c.n), 0), "
                              "  (SELECT count(*) FROM bench_outputs o WHERE o.run_id = r.id AND o.error IS NOT NULL), "
                              "  r.created_at "
                              "FROM bench_runs r LEFT JOIN bench_cells c ON c.run_id = r.id "
                              "GROUP BY r.id ORDER BY r.created_at DESC, r.id DESC",
                              runs_->columnTypes()));
    // The open drill-down follows new values; a changed selection closes it.
    if (drilldown_->isVisibleTo(this)) {
      if (drilldown_->suites() == comparedSuites() && drilldown_->labels() == shown) drilldown_->reload(db);
      else drilldown_->hide();
    }
  }
  if (pendingCell_) {
    const Cell cell = *pendingCell_;
    pendingCell_.reset();
    drilldown_->open(db, comparedSuites(), cell.subset, cell.metric, cell.label, shownLabels());
    drilldown_->show();
  }
  const int runs = runs_->rowCount();
  QString summary = countText(runs, tr("run"), tr("runs")) + QStringLiteral(" \u00b7 ") +
                    countText(suiteBox_->count(), tr("suite"), tr("suites"));
  if (!suite().isEmpty()) {
    summary += QStringLiteral(" \u00b7 ") + tr("%1 of %2 on %3 shown").arg(shownLabels().size()).arg(
                                                countText(labelList_->count(), tr("model"), tr("models")),
                                                comparedSuites().join(QStringLiteral(" + ")));
  }
  setSummary(summary);
  // Running is always possible (the first run creates the built-in suite), so there is always content.
  return true;
}

}  // namespace psr::ui
