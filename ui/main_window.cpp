#include "main_window.h"

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include "about_dialog.h"
#include "bench_panel.h"
#include "common/logging.h"
#include "common/paths.h"
#include "compose/model_picker.h"
#include "compose_panel.h"
#include "curate/sample_card.h"
#include "curate/sample_detail_pane.h"
#include "curate_panel.h"
#include "device_selector.h"
#include "error_banner.h"
#include "inspect/sample_score_request.h"
#include "inspect/score_inspector.h"
#include "log_dock.h"
#include "path_conversion.h"
#include "recent_workspaces_menu.h"
#include "resources_init.h"
#include "store/workspace.h"
#include "train_panel.h"
#include "workspace_loader.h"
#include "workspace_log_file.h"

namespace psr::ui {
namespace {

const QString kLastWorkspaceKey = QStringLiteral("workspace/last");
const QString kPanelKey = QStringLiteral("window/panel");
const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");
constexpr int kRefreshIntervalMs = 5000;

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      loader_(new WorkspaceLoader(this)),
      navigation_(new QListWidget),
      stack_(new QStackedWidget),
      banner_(new ErrorBanner),
      logDock_(new LogDock(this)),
      workspaceLabel_(new QLabel),
      refreshTimer_(new QTimer(this)) {
  initResources();
  setObjectName(QStringLiteral("mainWindow"));
  setWindowTitle(tr("PSR Studio"));
  setWindowIcon(QIcon(QStringLiteral(":/icons/psr-studio.svg")));

  createPanels();
  auto* body = new QWidget;
  auto* row = new QHBoxLayout;
  row->setContentsMargins(0, 0, 0, 0);
  row->setSpacing(0);
  row->addWidget(navigation_);
  row->addWidget(stack_, 1);
  auto* column = new QVBoxLayout(body);
  column->setContentsMargins(0, 0, 0, 0);
  column->setSpacing(0);
  column->addWidget(banner_);
  column->addLayout(row, 1);
  setCentralWidget(body);

  addDockWidget(Qt::BottomDockWidgetArea, logDock_);
  createMenus();
  createToolBar();
  workspaceLabel_->setObjectName(QStringLiteral("workspaceLabel"));
  workspaceLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  statusBar()->addPermanentWidget(workspaceLabel_, 1);
  workspaceLabel_->setText(tr("No workspace open"));

  connect(loader_, &WorkspaceLoader::loaded, this, &MainWindow::adoptWorkspace);
  connect(loader_, &WorkspaceLoader::failed, this,
          [this](const QString&, const QString& headline, const QString& detail) {
            statusBar()->clearMessage();
            showError(headline, detail);
          });
  refreshTimer_->setInterval(kRefreshIntervalMs);
  connect(refreshTimer_, &QTimer::timeout, this, [this] {
    if (isVisible()) refreshCurrentPanel();
  });
  restoreSettings();
}

// Out of line so the unique_ptr members see complete types.
MainWindow::~MainWindow() = default;

void MainWindow::createPanels() {
  navigation_->setObjectName(QStringLiteral("panelNavigation"));
  navigation_->setIconSize(QSize(24, 24));
  navigation_->setFrameShape(QFrame::NoFrame);
  navigation_->setSpacing(2);
  stack_->setObjectName(QStringLiteral("panelStack"));
  panels_ = {new ComposePanel, new CuratePanel, new TrainPanel, new BenchPanel};
  const QStringList icons = {QStringLiteral("compose"), QStringLiteral("curate"), QStringLiteral("train"),
                             QStringLiteral("bench")};
  for (int i = 0; i < panels_.size(); ++i) {
    stack_->addWidget(panels_[i]);
    auto* item = new QListWidgetItem(QIcon(QStringLiteral(":/icons/panel-%1.svg").arg(icons[i])),
                                     panels_[i]->title(), navigation_);
    item->setToolTip(tr("%1 (Ctrl+%2)").arg(panels_[i]->title()).arg(i + 1));
  }
  navigation_->setFixedWidth(navigation_->sizeHintForColumn(0) + 32);
  auto* curate = static_cast<CuratePanel*>(panels_[Curate]);
  connect(curate->detailPane(), &SampleDetailPane::scoreRequested, this, &MainWindow::scoreSample);
  auto* train = static_cast<TrainPanel*>(panels_[Train]);
  connect(train, &TrainPanel::openInComposeRequested, this, &MainWindow::openInCompose);
  connect(navigation_, &QListWidget::currentRowChanged, this, [this](int row) {
    if (row < 0) return;
    stack_->setCurrentIndex(row);
    QSettings().setValue(kPanelKey, row);
    refreshCurrentPanel();
  });
}

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* create = file->addAction(tr("&New Workspace\u2026"), this, [this] { chooseWorkspace(true); });
  create->setObjectName(QStringLiteral("actionNewWorkspace"));
  create->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+N")));
  QAction* open = file->addAction(tr("&Open Workspace\u2026"), this, [this] { chooseWorkspace(false); });
  open->setObjectName(QStringLiteral("actionOpenWorkspace"));
  open->setShortcut(QKeySequence(QStringLiteral("Ctrl+O")));
  recent_ = new RecentWorkspacesMenu(this);
  connect(recent_, &RecentWorkspacesMenu::workspaceChosen, this, &MainWindow::openWorkspace);
  file->addMenu(recent_);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setObjectName(QStringLiteral("actionQuit"));
  quit->setShortcut(QKeySequence(QStringLiteral("Ctrl+Q")));
  quit->setMenuRole(QAction::QuitRole);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  for (int i = 0; i < panels_.size(); ++i) {
    QAction* show = view->addAction(panels_[i]->title(), this, [this, i] { setCurrentPanel(i); });
    show->setObjectName(QStringLiteral("actionShowPanel%1").arg(i + 1));
    show->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(i + 1)));
  }
  view->addSeparator();
  QAction* refresh = view->addAction(tr("&Refresh"), this, &MainWindow::refreshCurrentPanel);
  refresh->setShortcut(QKeySequence::Refresh);
  view->addAction(logDock_->toggleViewAction());

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  QAction* about = help->addAction(tr("&About PSR Studio"), this, &MainWindow::showAbout);
  about->setObjectName(QStringLiteral("actionAbout"));
  about->setMenuRole(QAction::AboutRole);
}

void MainWindow::createToolBar() {
  QToolBar* bar = addToolBar(tr("Main"));
  bar->setObjectName(QStringLiteral("mainToolBar"));
  bar->setMovable(false);
  bar->addAction(findChild<QAction*>(QStringLiteral("actionOpenWorkspace")));
  bar->addSeparator();
  bar->addWidget(new QLabel(tr("Device:")));
  device_ = new DeviceSelector(bar);
  bar->addWidget(device_);
  connect(device_, &DeviceSelector::deviceChanged, this,
          [](const QString& id) { psr::logger()->info("device set to {}", id.toStdString()); });
  auto* train = static_cast<TrainPanel*>(panels_[Train]);
  train->setDevice(device_->currentDevice());
  connect(device_, &DeviceSelector::deviceChanged, train, &TrainPanel::setDevice);
}

void MainWindow::restoreSettings() {
  QSettings settings;
  if (!restoreGeometry(settings.value(kGeometryKey).toByteArray())) resize(1280, 800);
  // First run: the log starts as a strip under the panels instead of taking half the window.
  if (!restoreState(settings.value(kStateKey).toByteArray())) resizeDocks({logDock_}, {160}, Qt::Vertical);
  const int saved = settings.value(kPanelKey, int(Compose)).toInt();
  setCurrentPanel(saved >= 0 && saved < panels_.size() ? saved : int(Compose));
}

void MainWindow::closeEvent(QCloseEvent* event) {
  QSettings settings;
  settings.setValue(kGeometryKey, saveGeometry());
  settings.setValue(kStateKey, saveState());
  QMainWindow::closeEvent(event);
}

void MainWindow::openInitialWorkspace(const QString& dir) {
  if (!dir.isEmpty()) {
    openWorkspace(dir);
    return;
  }
  const QString last = QSettings().value(kLastWorkspaceKey).toString();
  if (!last.isEmpty() && QFileInfo(last).isDir()) {
    openWorkspace(last);
    return;
  }
  if (!last.isEmpty()) psr::logger()->info("last workspace {} is gone; using the default one", last.toStdString());
  createWorkspace(toQString(psr::defaultWorkspaceDir()));
}

void MainWindow::openWorkspace(const QString& dir) {
  statusBar()->showMessage(tr("Opening %1\u2026").arg(dir));
  loader_->load(dir, WorkspaceLoader::Mode::Open);
}

void MainWindow::createWorkspace(const QString& dir) {
  statusBar()->showMessage(tr("Creating %1\u2026").arg(dir));
  loader_->load(dir, WorkspaceLoader::Mode::Create);
}

QString MainWindow::workspaceDir() const { return workspace_ ? toQString(workspace_->dir()) : QString(); }

int MainWindow::currentPanel() const { return stack_->currentIndex(); }

void MainWindow::setCurrentPanel(int index) {
  if (index >= 0 && index < panels_.size()) navigation_->setCurrentRow(index);
}

AboutDialog* MainWindow::showAbout() {
  auto* dialog = new AboutDialog(this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->open();
  return dialog;
}

ScoreInspector* MainWindow::scoreSample(const psr::curate::SampleCard& card) {
  if (!workspace_) return nullptr;
  auto* inspector = new ScoreInspector(this);
  inspector->setAttribute(Qt::WA_DeleteOnClose);
  inspector->setRequest(scoreRequestForSample(card, workspace_->blobs()));
  inspector->setWindowTitle(tr("Score \u2014 sample #%1").arg(card.id));
  inspector->show();
  inspector->score();
  return inspector;
}

void MainWindow::openInCompose(const QString& checkpointDir) {
  auto* compose = static_cast<ComposePanel*>(panels_[Compose]);
  compose->modelPicker()->setModel(checkpointDir);
  setCurrentPanel(Compose);
}

void MainWindow::refreshCurrentPanel() {
  if (WorkspacePanel* current = panel(currentPanel())) current->refresh();
}

void MainWindow::chooseWorkspace(bool create) {
  const QString start = workspace_ ? QFileInfo(workspaceDir()).absolutePath() : QString();
  const QString dir = QFileDialog::getExistingDirectory(
      this, create ? tr("Choose an Empty Folder for the New Workspace") : tr("Open Workspace"), start);
  if (dir.isEmpty()) return;
  create ? createWorkspace(dir) : openWorkspace(dir);
}

void MainWindow::adoptWorkspace(std::shared_ptr<psr::store::Workspace> workspace) {
  statusBar()->clearMessage();
  // The old workspace's log file closes before the new one's opens, so neither gets the other's lines.
  logFile_.reset();
  for (WorkspacePanel* p : panels_) p->setWorkspace(nullptr);
  workspace_ = std::move(workspace);
  try {
    logFile_ = std::make_unique<WorkspaceLogFile>(workspace_->logsDir());
  } catch (const std::exception& e) {
    psr::logger()->warn("cannot write the workspace log in {}: {}", workspace_->logsDir().string(), e.what());
  }
  const QString dir = workspaceDir();
  psr::logger()->info("opened workspace {}", dir.toStdString());
  QSettings().setValue(kLastWorkspaceKey, dir);
  recent_->add(dir);
  banner_->hide();
  setWindowTitle(tr("%1 \u2014 PSR Studio").arg(QFileInfo(dir).fileName()));
  workspaceLabel_->setText(tr("Workspace: %1").arg(QDir::toNativeSeparators(dir)));
  for (WorkspacePanel* p : panels_) p->setWorkspace(workspace_.get());
  refreshTimer_->start();
  emit workspaceOpened(dir);
}

void MainWindow::showError(const QString& headline, const QString& detail) {
  lastError_ = headline + QLatin1Char(' ') + detail;
  banner_->showError(lastError_);
  // open(), not exec(): window-modal without a nested event loop, so nothing waits on the user.
  auto* box = new QMessageBox(QMessageBox::Warning, tr("PSR Studio"), headline, QMessageBox::Ok, this);
  box->setObjectName(QStringLiteral("errorMessageBox"));
  box->setInformativeText(detail);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
  emit errorShown(lastError_);
}

}  // namespace psr::ui
