#pragma once
#include "workspace_panel.h"

namespace psr::ui {

class QueryTableModel;

/** Train: training jobs by state and the most recent ones. */
class TrainPanel : public WorkspacePanel {
  Q_OBJECT

 public:
  explicit TrainPanel(QWidget* parent = nullptr);

 protected:
  bool reload(psr::store::Workspace& workspace) override;

 private:
  QueryTableModel* states_;
  QueryTableModel* recent_;
};

}  // namespace psr::ui
