#pragma once
#include "workspace_panel.h"

namespace psr::ui {

class QueryTableModel;

/** Curate: synthesized samples per subset and split, and how far their review has come. */
class CuratePanel : public WorkspacePanel {
  Q_OBJECT

 public:
  explicit CuratePanel(QWidget* parent = nullptr);

 protected:
  bool reload(psr::store::Workspace& workspace) override;

 private:
  QueryTableModel* subsets_;
};

}  // namespace psr::ui
