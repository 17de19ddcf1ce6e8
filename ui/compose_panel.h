#pragma once
#include "workspace_panel.h"

namespace psr::ui {

class QueryTableModel;

/** Compose: the models and checkpoints a generation can use. */
class ComposePanel : public WorkspacePanel {
  Q_OBJECT

 public:
  explicit ComposePanel(QWidget* parent = nullptr);

 protected:
  bool reload(psr::store::Workspace& workspace) override;

 private:
  QueryTableModel* models_;
};

}  // namespace psr::ui
