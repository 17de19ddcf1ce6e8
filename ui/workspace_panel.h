#pragma once
#include <QStringList>
#include <QWidget>

class QLabel;
class QStackedWidget;
class QTableView;

namespace psr::store {
class Workspace;
}

namespace psr::ui {

class EmptyState;
class QueryTableModel;

/// What a panel says while its workspace has nothing for it: purpose and the next step.
struct EmptyStateText {
  QString headline;
  QString body;
  QStringList commands;
};

/** Base of the four studio panels: title, one-line summary, and content or an empty state. */
class WorkspacePanel : public QWidget {
  Q_OBJECT

 public:
  WorkspacePanel(const QString& title, const EmptyStateText& empty, QWidget* parent = nullptr);

  /// The panel reads through `workspace` until the next call; nullptr means none is open.
  void setWorkspace(psr::store::Workspace* workspace);
  /// Re-reads the workspace; read errors are shown in the panel, never thrown.
  void refresh();

  QString title() const { return title_; }
  QString summary() const;
  bool showsContent() const;
  const EmptyState* emptyState() const { return empty_; }

 protected:
  /// Reads the workspace into the panel's models; returns false while there is nothing to show.
  virtual bool reload(psr::store::Workspace& workspace) = 0;

  void setSummary(const QString& text);
  /// The widget shown while reload() returns true; the panel takes ownership.
  void setContent(QWidget* content);
  /// A sortable table view over `model` (named `objectName` so tests and styles can find it);
  /// `stretchColumn` takes the width the other, content-sized columns leave.
  QTableView* createTable(QueryTableModel* model, const QString& objectName, int stretchColumn);

 private:
  void showEmpty(const QString& headline, const QString& body, const QStringList& commands);

  QString title_;
  EmptyStateText emptyText_;
  psr::store::Workspace* workspace_ = nullptr;
  QLabel* summary_;
  QStackedWidget* pages_;
  EmptyState* empty_;
  QWidget* content_ = nullptr;
};

}  // namespace psr::ui
