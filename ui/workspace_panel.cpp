#include "workspace_panel.h"

#include <exception>

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

#include "empty_state.h"
#include "query_table_model.h"

namespace psr::ui {

WorkspacePanel::WorkspacePanel(const QString& title, const EmptyStateText& empty, QWidget* parent)
    : QWidget(parent),
      title_(title),
      emptyText_(empty),
      summary_(new QLabel(this)),
      pages_(new QStackedWidget(this)),
      empty_(new EmptyState) {
  auto* heading = new QLabel(title, this);
  heading->setObjectName(QStringLiteral("panelTitle"));
  QFont headingFont = heading->font();
  headingFont.setPointSizeF(headingFont.pointSizeF() * 1.6);
  headingFont.setBold(true);
  heading->setFont(headingFont);

  summary_->setObjectName(QStringLiteral("panelSummary"));
  summary_->setWordWrap(true);
  summary_->setTextFormat(Qt::PlainText);

  // The empty state sits centred in a page of its own, capped in width for a readable line length.
  auto* emptyPage = new QWidget;
  auto* emptyLayout = new QHBoxLayout(emptyPage);
  emptyLayout->addStretch(1);
  emptyLayout->addWidget(empty_, 4);
  emptyLayout->addStretch(1);
  pages_->addWidget(emptyPage);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(16, 12, 16, 12);
  layout->addWidget(heading);
  layout->addWidget(summary_);
  layout->addWidget(pages_, 1);
  setWorkspace(nullptr);
}

void WorkspacePanel::setWorkspace(psr::store::Workspace* workspace) {
  workspace_ = workspace;
  refresh();
}

void WorkspacePanel::refresh() {
  if (!workspace_) {
    setSummary(tr("No workspace open."));
    showEmpty(tr("No workspace open"),
              tr("A workspace is a folder that holds the studio database, images, checkpoints and runs. "
                 "Open one with File \u2192 Open Workspace\u2026 or create one with File \u2192 New Workspace\u2026."),
              {});
    return;
  }
  // Exceptions stop here: a failed read must not cross the Qt event loop.
  try {
    if (reload(*workspace_) && content_) {
      pages_->setCurrentWidget(content_);
    } else {
      showEmpty(emptyText_.headline, emptyText_.body, emptyText_.commands);
    }
  } catch (const std::exception& e) {
    setSummary(tr("Could not read the workspace."));
    showEmpty(tr("Could not read %1").arg(title_), QString::fromStdString(e.what()), {});
  }
}

QString WorkspacePanel::summary() const { return summary_->text(); }

bool WorkspacePanel::showsContent() const { return content_ && pages_->currentWidget() == content_; }

void WorkspacePanel::setSummary(const QString& text) { summary_->setText(text); }

void WorkspacePanel::setContent(QWidget* content) {
  Q_ASSERT(!content_);
  content_ = content;
  pages_->addWidget(content_);
}

QTableView* WorkspacePanel::createTable(QueryTableModel* model, const QString& objectName, int stretchColumn) {
  auto* proxy = new QSortFilterProxyModel(model);
  proxy->setSourceModel(model);
  proxy->setSortCaseSensitivity(Qt::CaseInsensitive);
  auto* view = new QTableView;
  view->setObjectName(objectName);
  view->setModel(proxy);
  view->setSortingEnabled(true);
  view->sortByColumn(-1, Qt::AscendingOrder);  // keep the query's own order until the user sorts
  view->setSelectionBehavior(QAbstractItemView::SelectRows);
  view->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view->setAlternatingRowColors(true);
  view->verticalHeader()->hide();
  view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  view->horizontalHeader()->setSectionResizeMode(stretchColumn, QHeaderView::Stretch);
  return view;
}

void WorkspacePanel::showEmpty(const QString& headline, const QString& body, const QStringList& commands) {
  empty_->setContent(headline, body, commands);
  pages_->setCurrentIndex(0);
}

}  // namespace psr::ui
