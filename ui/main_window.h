#pragma once
#include <memory>

#include <QList>
#include <QMainWindow>

class QLabel;
class QListWidget;
class QStackedWidget;
class QTimer;

namespace psr::curate {
struct SampleCard;
}
namespace psr::store {
class Workspace;
}

namespace psr::ui {

class AboutDialog;
class DeviceSelector;
class ErrorBanner;
class LogDock;
class RecentWorkspacesMenu;
class ScoreInspector;
class WorkspaceLoader;
class WorkspaceLogFile;
class WorkspacePanel;

/** The studio window: Compose, Curate, Train and Bench over one open workspace, plus the log. */
class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  enum Panel { Compose, Curate, Train, Bench };

  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  /// Start-up choice: `dir` when given, else the last workspace, else the default workspace
  /// (created on first launch).
  void openInitialWorkspace(const QString& dir);
  /// Opens an existing workspace in the background; on failure the current one stays open.
  void openWorkspace(const QString& dir);
  /// Makes a missing or empty folder a workspace (or opens the workspace already there).
  void createWorkspace(const QString& dir);

  psr::store::Workspace* workspace() const { return workspace_.get(); }
  QString workspaceDir() const;
  /// The last error shown (banner and message box), empty before the first.
  QString lastError() const { return lastError_; }

  int panelCount() const { return int(panels_.size()); }
  WorkspacePanel* panel(int index) const { return panels_.value(index); }
  int currentPanel() const;
  void setCurrentPanel(int index);

  RecentWorkspacesMenu* recentWorkspaces() const { return recent_; }
  DeviceSelector* deviceSelector() const { return device_; }
  LogDock* logDock() const { return logDock_; }
  ErrorBanner* errorBanner() const { return banner_; }

  /// Opens Help → About (non-blocking) and returns it.
  AboutDialog* showAbout();
  /// Opens the score inspector on a curated sample of the open workspace and starts scoring.
  ScoreInspector* scoreSample(const psr::curate::SampleCard& card);
  /// Shows Compose with `checkpointDir` chosen in its model picker.
  void openInCompose(const QString& checkpointDir);

  /// Re-reads the visible panel (the CLI and jobs write to the workspace from other processes).
  void refreshCurrentPanel();

 signals:
  void workspaceOpened(const QString& dir);
  void errorShown(const QString& message);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void createPanels();
  void createMenus();
  void createToolBar();
  void restoreSettings();
  void chooseWorkspace(bool create);
  void adoptWorkspace(std::shared_ptr<psr::store::Workspace> workspace);
  void showError(const QString& headline, const QString& detail);

  WorkspaceLoader* loader_;
  std::shared_ptr<psr::store::Workspace> workspace_;
  std::unique_ptr<WorkspaceLogFile> logFile_;
  QList<WorkspacePanel*> panels_;
  QListWidget* navigation_;
  QStackedWidget* stack_;
  ErrorBanner* banner_;
  LogDock* logDock_;
  DeviceSelector* device_ = nullptr;
  RecentWorkspacesMenu* recent_ = nullptr;
  QLabel* workspaceLabel_;
  QTimer* refreshTimer_;
  QString lastError_;
};

}  // namespace psr::ui
