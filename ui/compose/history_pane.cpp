#include "history_pane.h"

#include <algorithm>

#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QVBoxLayout>

#include "history_model.h"

namespace psr::ui {

HistoryPane::HistoryPane(HistoryModel* model, QWidget* parent)
    : QWidget(parent),
      model_(model),
      heading_(new QLabel(this)),
      view_(new QListView(this)),
      restore_(new QPushButton(tr("Restore"), this)),
      compare_(new QPushButton(tr("Compare"), this)),
      export_(new QPushButton(tr("Save\u2026"), this)),
      score_(new QPushButton(tr("Score\u2026"), this)) {
  view_->setObjectName(QStringLiteral("composeHistory"));
  view_->setModel(model_);
  view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  view_->setIconSize(QSize(72, 72));
  view_->setUniformItemSizes(true);
  view_->setWordWrap(true);
  view_->setTextElideMode(Qt::ElideRight);
  view_->setAlternatingRowColors(true);
  restore_->setObjectName(QStringLiteral("composeRestore"));
  restore_->setToolTip(tr("Put this image's recipe back into the controls (references, prompt, model, seed, "
                          "steps, guidance)"));
  compare_->setObjectName(QStringLiteral("composeCompareButton"));
  compare_->setToolTip(tr("Show the two selected images side by side"));
  export_->setObjectName(QStringLiteral("composeExport"));
  export_->setToolTip(tr("Save a copy of the image with its recipe"));
  score_->setObjectName(QStringLiteral("composeScore"));
  score_->setToolTip(tr("Score this image: each subject's box and consistency, the semantic checks, the total"));
  QFont bold = heading_->font();
  bold.setBold(true);
  heading_->setFont(bold);

  // The heading has a line of its own so four buttons fit where three and the heading did.
  auto* buttons = new QHBoxLayout;
  buttons->addStretch(1);
  buttons->addWidget(restore_);
  buttons->addWidget(compare_);
  buttons->addWidget(export_);
  buttons->addWidget(score_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(heading_);
  layout->addLayout(buttons);
  layout->addWidget(view_, 1);

  connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &HistoryPane::updateButtons);
  connect(view_->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex& current) {
    if (current.isValid()) emit shown(current.row());
  });
  connect(model_, &QAbstractItemModel::modelReset, this, &HistoryPane::updateButtons);
  connect(view_, &QListView::doubleClicked, this, [this](const QModelIndex& index) { emit restoreRequested(index.row()); });
  connect(restore_, &QPushButton::clicked, this, [this] {
    const QList<int> rows = selectedRows();
    if (rows.size() == 1) emit restoreRequested(rows.first());
  });
  connect(compare_, &QPushButton::clicked, this, [this] {
    const QList<int> rows = selectedRows();
    if (rows.size() == 2) emit compareRequested(rows[0], rows[1]);
  });
  connect(export_, &QPushButton::clicked, this, [this] {
    const QList<int> rows = selectedRows();
    if (rows.size() == 1) emit exportRequested(rows.first());
  });
  connect(score_, &QPushButton::clicked, this, [this] {
    const QList<int> rows = selectedRows();
    if (rows.size() == 1) emit scoreRequested(rows.first());
  });
  updateButtons();
}

QList<int> HistoryPane::selectedRows() const {
  QList<int> rows;
  for (const QModelIndex& index : view_->selectionModel()->selectedRows()) rows << index.row();
  std::sort(rows.begin(), rows.end());
  return rows;
}

void HistoryPane::selectRow(int row) {
  if (row < 0 || row >= model_->rowCount()) return;
  view_->selectionModel()->setCurrentIndex(model_->index(row), QItemSelectionModel::ClearAndSelect);
  view_->scrollTo(model_->index(row));
}

void HistoryPane::updateButtons() {
  const int selected = int(selectedRows().size());
  heading_->setText(tr("History (%1)").arg(model_->rowCount()));
  restore_->setEnabled(selected == 1);
  export_->setEnabled(selected == 1);
  score_->setEnabled(selected == 1);
  compare_->setEnabled(selected == 2);
}

}  // namespace psr::ui
