#pragma once
#include <QList>
#include <QSet>

#include "workspace_panel.h"

class QLabel;
class QPushButton;
class QTableView;
class QTabWidget;
class QTimer;

namespace psr::ui {

class CheckpointList;
class ErrorBanner;
class GroupInspector;
class JobRunnerProcess;
class JobTableModel;
class MetricChart;
class SampleGridView;
class SpecEditor;

/** Train: job specs from presets (every parameter searchable and editable, raw JSON beside),
 *  launched into the workspace's job queue and run by a `psr jobs run` child per device; the
 *  job list with progress and Stop / Cancel / Resume; live metric curves overlaid across runs;
 *  sample grids per step; the GRPO group inspector; checkpoints with lineage and "Open in
 *  Compose". Reads are small queries on a 1 s timer; every change goes through the `psr` CLI. */
class TrainPanel : public WorkspacePanel {
  Q_OBJECT

 public:
  explicit TrainPanel(QWidget* parent = nullptr);
  ~TrainPanel() override;

  /// Where the `psr` executable is (default: next to the studio).
  void setCliPath(const QString& path);
  /// The device new jobs are queued for and whose runner is started ("cpu", "cuda:0").
  void setDevice(const QString& device);
  QString device() const { return device_; }

  /// Submits the editor's spec (`psr jobs submit`) and makes sure the device's runner runs;
  /// false, with the reason in the banner, when the spec cannot be launched.
  bool launch();
  /// `psr jobs stop|cancel|resume` for every selected job.
  void stopSelected();
  void cancelSelected();
  void resumeSelected();
  /// Selects jobs by id (the curves overlay them; the first feeds the samples and groups).
  void selectJobs(const QList<qint64>& ids);
  QList<qint64> selectedJobIds() const;

  SpecEditor* specEditor() const { return editor_; }
  QPushButton* launchButton() const { return launch_; }
  JobTableModel* jobModel() const { return jobs_; }
  QTableView* jobView() const { return jobView_; }
  QPushButton* stopButton() const { return stop_; }
  QPushButton* cancelButton() const { return cancel_; }
  QPushButton* resumeButton() const { return resume_; }
  MetricChart* metricChart() const { return chart_; }
  SampleGridView* sampleGrids() const { return samples_; }
  GroupInspector* groupInspector() const { return groups_; }
  CheckpointList* checkpointList() const { return checkpoints_; }
  QTabWidget* tabs() const { return tabs_; }
  ErrorBanner* errorBanner() const { return banner_; }
  JobRunnerProcess* runner() const { return runner_; }

 signals:
  void openInComposeRequested(const QString& checkpointDir);
  /// A `psr jobs` command ended (submit, stop, cancel, resume); `ok` false shows in the banner.
  void commandFinished(const QString& verb, bool ok);

 protected:
  bool reload(psr::store::Workspace& workspace) override;

 private:
  QWidget* createLauncher();
  QWidget* createJobs();
  void runVerb(const QString& verb);
  void updateButtons();
  void updateDetails(psr::store::Workspace& workspace);
  bool runNameTaken(const QString& name) const;

  QString workspaceDir_;
  QString device_ = QStringLiteral("cpu");
  QString cliPath_;
  bool runnerChecked_ = false;
  bool reloading_ = false;  // selection restored by reload() must not re-enter it
  QList<qint64> pendingSelection_;
  ErrorBanner* banner_ = nullptr;
  SpecEditor* editor_ = nullptr;
  QPushButton* launch_ = nullptr;
  QLabel* runnerStatus_ = nullptr;
  JobTableModel* jobs_;
  QTableView* jobView_ = nullptr;
  QPushButton* stop_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QPushButton* resume_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  MetricChart* chart_ = nullptr;
  SampleGridView* samples_ = nullptr;
  GroupInspector* groups_ = nullptr;
  CheckpointList* checkpoints_ = nullptr;
  JobRunnerProcess* runner_;
  QTimer* timer_;
};

}  // namespace psr::ui
