#pragma once
#include "workspace_panel.h"

namespace psr::ui {

class QueryTableModel;

/** Bench: benchmark runs of checkpoints over the seven-subset suite. */
class BenchPanel : public WorkspacePanel {
  Q_OBJECT

 public:
  explicit BenchPanel(QWidget* parent = nullptr);

 protected:
  bool reload(psr::store::Workspace& workspace) override;

 private:
  QueryTableModel* runs_;
};

}  // namespace psr::ui
