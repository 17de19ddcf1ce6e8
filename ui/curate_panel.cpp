#include "curate_panel.h"

#include <QLocale>
#include <QTableView>

#include "count_text.h"
#include "query_table_model.h"
#include "workspace_query.h"

namespace psr::ui {

CuratePanel::CuratePanel(QWidget* parent)
    : WorkspacePanel(tr("Curate"),
                     {tr("No samples yet"),
                      tr("Curate is where synthesized triplets (subject references, an instruction and a target "
                         "image) are reviewed before they become training data. Samples arrive from the data "
                         "pipeline, for example:"),
                      {QStringLiteral("psr data synth \u2026")}},
                     parent),
      subsets_(new QueryTableModel({tr("Subset"), tr("Split"), tr("Samples"), tr("Accepted"), tr("Rejected"),
                                    tr("To review")},
                                   {ColumnType::Text, ColumnType::Text, ColumnType::Integer, ColumnType::Integer,
                                    ColumnType::Integer, ColumnType::Integer},
                                   this)) {
  setObjectName(QStringLiteral("curatePanel"));
  setContent(createTable(subsets_, QStringLiteral("curateSubsetsTable"), 0));
}

bool CuratePanel::reload(psr::store::Workspace& workspace) {
  WorkspaceQuery query(workspace);
  const qint64 samples = query.count("SELECT count(*) FROM samples");
  const qint64 datasets = query.count("SELECT count(*) FROM datasets");
  const qint64 accepted = query.count("SELECT count(*) FROM reviews WHERE verdict = 'accepted'");
  const qint64 rejected = query.count("SELECT count(*) FROM reviews WHERE verdict = 'rejected'");
  subsets_->setRows(query.rows("SELECT s.subset, s.split, count(*), "
                               "  count(CASE WHEN r.verdict = 'accepted' THEN 1 END), "
                               "  count(CASE WHEN r.verdict = 'rejected' THEN 1 END), "
                               "  count(*) - count(r.sample_id) "
                               "FROM samples s LEFT JOIN reviews r ON r.sample_id = s.id "
                               "GROUP BY s.subset, s.split ORDER BY s.subset, s.split",
                               subsets_->columnTypes()));
  setSummary(tr("%1 in %2 \u00b7 %3 accepted \u00b7 %4 rejected \u00b7 %5 to review")
                 .arg(countText(samples, tr("sample"), tr("samples")), countText(datasets, tr("dataset"), tr("datasets")),
                      QLocale().toString(accepted), QLocale().toString(rejected),
                      QLocale().toString(samples - accepted - rejected)));
  return samples > 0;
}

}  // namespace psr::ui
