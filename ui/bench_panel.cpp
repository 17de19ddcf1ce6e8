#include "bench_panel.h"

#include <QTableView>

#include "count_text.h"
#include "query_table_model.h"
#include "workspace_query.h"

namespace psr::ui {

BenchPanel::BenchPanel(QWidget* parent)
    : WorkspacePanel(tr("Bench"),
                     {tr("No benchmark runs yet"),
                      tr("Bench compares checkpoints on the benchmark's seven subsets, per metric and per seed. "
                         "Runs and their per-sample results are recorded here by the benchmark workflow, for "
                         "example:"),
                      {QStringLiteral("psr bench run \u2026")}},
                     parent),
      runs_(new QueryTableModel({tr("Run"), tr("Suite"), tr("Seed"), tr("Subsets"), tr("Results"), tr("Created")},
                                {ColumnType::Text, ColumnType::Text, ColumnType::Integer, ColumnType::Integer,
                                 ColumnType::Integer, ColumnType::Text},
                                this)) {
  setObjectName(QStringLiteral("benchPanel"));
  setContent(createTable(runs_, QStringLiteral("benchRunsTable"), 0));
}

bool BenchPanel::reload(psr::store::Workspace& workspace) {
  WorkspaceQuery query(workspace);
  const qint64 runs = query.count("SELECT count(*) FROM bench_runs");
  const qint64 suites = query.count("SELECT count(DISTINCT suite) FROM bench_runs");
  runs_->setRows(query.rows("SELECT r.label, r.suite, r.seed, count(DISTINCT b.subset), count(b.run_id), "
                            "  r.created_at "
                            "FROM bench_runs r LEFT JOIN bench_results b ON b.run_id = r.id "
                            "GROUP BY r.id ORDER BY r.created_at DESC, r.id DESC",
                            runs_->columnTypes()));
  setSummary(countText(runs, tr("run"), tr("runs")) + QStringLiteral(" \u00b7 ") +
             countText(suites, tr("suite"), tr("suites")));
  return runs > 0;
}

}  // namespace psr::ui
