#include "compose_panel.h"

#include <QTableView>

#include "count_text.h"
#include "query_table_model.h"
#include "workspace_query.h"

namespace psr::ui {

ComposePanel::ComposePanel(QWidget* parent)
    : WorkspacePanel(tr("Compose"),
                     {tr("No models yet"),
                      tr("Compose turns subject references and an instruction into one image, using a model "
                         "checkpoint from this workspace. Models and their checkpoints are recorded here when the "
                         "training workflow writes them, for example:"),
                      {QStringLiteral("psr train sft \u2026")}},
                     parent),
      models_(new QueryTableModel({tr("Model"), tr("Kind"), tr("Checkpoints"), tr("Latest step"), tr("Created")},
                                  {ColumnType::Text, ColumnType::Text, ColumnType::Integer, ColumnType::Integer,
                                   ColumnType::Text},
                                  this)) {
  setObjectName(QStringLiteral("composePanel"));
  setContent(createTable(models_, QStringLiteral("composeModelsTable"), 0));
}

bool ComposePanel::reload(psr::store::Workspace& workspace) {
  WorkspaceQuery query(workspace);
  const qint64 models = query.count("SELECT count(*) FROM models");
  const qint64 checkpoints = query.count("SELECT count(*) FROM checkpoints");
  models_->setRows(query.rows("SELECT m.name, m.kind, count(c.id), max(c.step), m.created_at "
                              "FROM models m LEFT JOIN checkpoints c ON c.model_id = m.id "
                              "GROUP BY m.id ORDER BY m.name",
                              models_->columnTypes()));
  setSummary(countText(models, tr("model"), tr("models")) + QStringLiteral(" \u00b7 ") +
             countText(checkpoints, tr("checkpoint"), tr("checkpoints")));
  return models > 0;
}

}  // namespace psr::ui
