#include "train_panel.h"

#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

#include "count_text.h"
#include "query_table_model.h"
#include "workspace_query.h"

namespace psr::ui {
namespace {

constexpr int kRecentJobs = 50;

}  // namespace

TrainPanel::TrainPanel(QWidget* parent)
    : WorkspacePanel(tr("Train"),
                     {tr("No jobs yet"),
                      tr("Train follows fine-tuning jobs: their state, device and outcome as they are "
                         "recorded in this workspace. Jobs come from the training workflow, for example:"),
                      {QStringLiteral("psr train sft \u2026")}},
                     parent),
      states_(new QueryTableModel({tr("State"), tr("Jobs"), tr("Last change")},
                                  {ColumnType::Text, ColumnType::Integer, ColumnType::Text}, this)),
      recent_(new QueryTableModel({tr("Job"), tr("Kind"), tr("State"), tr("Device"), tr("Created"), tr("Message")},
                                  {ColumnType::Integer, ColumnType::Text, ColumnType::Text, ColumnType::Text,
                                   ColumnType::Text, ColumnType::Text},
                                  this)) {
  setObjectName(QStringLiteral("trainPanel"));
  auto* content = new QWidget;
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(0, 0, 0, 0);
  QTableView* states = createTable(states_, QStringLiteral("trainStatesTable"), 0);
  // Six fixed rows: size the table to them instead of letting it take half the panel.
  states->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
  states->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
  layout->addWidget(states);
  layout->addWidget(new QLabel(tr("Recent jobs")));
  layout->addWidget(createTable(recent_, QStringLiteral("trainRecentTable"), 5), 1);
  setContent(content);
}

bool TrainPanel::reload(psr::store::Workspace& workspace) {
  WorkspaceQuery query(workspace);
  const qint64 jobs = query.count("SELECT count(*) FROM jobs");
  const qint64 active = query.count("SELECT count(*) FROM jobs WHERE state IN ('running', 'paused')");
  const qint64 queued = query.count("SELECT count(*) FROM jobs WHERE state = 'queued'");
  // Every state in lifecycle order, zeros included, so the table reads the same for any workspace.
  states_->setRows(query.rows(
      "WITH states(state, ord) AS (VALUES ('queued', 1), ('running', 2), ('paused', 3), ('finished', 4), "
      "  ('failed', 5), ('cancelled', 6)) "
      "SELECT s.state, count(j.id), max(coalesce(j.ended_at, j.started_at, j.created_at)) "
      "FROM states s LEFT JOIN jobs j ON j.state = s.state GROUP BY s.state ORDER BY s.ord",
      states_->columnTypes()));
  recent_->setRows(query.rows("SELECT id, kind, state, device, created_at, message FROM jobs "
                              "ORDER BY id DESC LIMIT " + std::to_string(kRecentJobs),
                              recent_->columnTypes()));
  setSummary(countText(jobs, tr("job"), tr("jobs")) + QStringLiteral(" \u00b7 ") + tr("%1 active").arg(active) +
             QStringLiteral(" \u00b7 ") + tr("%1 queued").arg(queued));
  return jobs > 0;
}

}  // namespace psr::ui
