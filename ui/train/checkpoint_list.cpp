#include "checkpoint_list.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace psr::ui {
namespace {

enum Column { IdColumn, ModelColumn, StepColumn, LineageColumn, ParentColumn, PathColumn, ColumnCount };

}  // namespace

CheckpointList::CheckpointList(QWidget* parent)
    : QWidget(parent), table_(new QTableWidget(this)), open_(new QPushButton(tr("Open in Compose"), this)) {
  table_->setObjectName(QStringLiteral("trainCheckpoints"));
  table_->setColumnCount(ColumnCount);
  table_->setHorizontalHeaderLabels(
      {tr("Checkpoint"), tr("Model"), tr("Step"), tr("Lineage"), tr("Parent"), tr("Folder")});
  table_->verticalHeader()->hide();
  table_->setWordWrap(false);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 8);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);
  open_->setObjectName(QStringLiteral("trainOpenInCompose"));
  open_->setToolTip(tr("Generate with this checkpoint: Compose opens with it chosen as the model"));
  open_->setEnabled(false);

  auto* buttons = new QHBoxLayout;
  buttons->addStretch(1);
  buttons->addWidget(open_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(table_, 1);
  layout->addLayout(buttons);

  connect(table_, &QTableWidget::itemSelectionChanged, this, [this] { open_->setEnabled(!selectedPath().isEmpty()); });
  connect(open_, &QPushButton::clicked, this, [this] {
    const QString path = selectedPath();
    if (!path.isEmpty()) emit openInComposeRequested(path);
  });
  connect(table_, &QTableWidget::cellDoubleClicked, this, [this] { open_->click(); });
}

void CheckpointList::setCheckpoints(const QList<TrainCheckpoint>& checkpoints) {
  bool same = checkpoints.size() == checkpoints_.size();
  for (int i = 0; same && i < checkpoints.size(); ++i) same = checkpoints[i].id == checkpoints_[i].id;
  if (same) return;
  const QList<QTableWidgetItem*> selected = table_->selectedItems();
  const qint64 keep = selected.isEmpty() ? 0 : table_->item(selected.first()->row(), IdColumn)->data(Qt::UserRole).toLongLong();
  checkpoints_ = checkpoints;
  table_->setRowCount(int(checkpoints_.size()));
  for (int row = 0; row < checkpoints_.size(); ++row) {
    const TrainCheckpoint& c = checkpoints_[row];
    auto* id = new QTableWidgetItem(QString::number(c.id));
    id->setData(Qt::UserRole, c.id);
    table_->setItem(row, IdColumn, id);
    table_->setItem(row, ModelColumn, new QTableWidgetItem(c.model));
    table_->setItem(row, StepColumn, new QTableWidgetItem(QString::number(c.step)));
    table_->setItem(row, LineageColumn, new QTableWidgetItem(c.lineage()));
    table_->setItem(row, ParentColumn, new QTableWidgetItem(c.parentId > 0 ? QString::number(c.parentId) : QString()));
    auto* path = new QTableWidgetItem(c.path);
    path->setToolTip(c.path);
    table_->setItem(row, PathColumn, path);
  }
  if (keep > 0) selectCheckpoint(keep);
  open_->setEnabled(!selectedPath().isEmpty());
}

bool CheckpointList::selectCheckpoint(qint64 id) {
  for (int row = 0; row < checkpoints_.size(); ++row) {
    if (checkpoints_[row].id == id) {
      table_->selectRow(row);
      return true;
    }
  }
  return false;
}

QString CheckpointList::selectedPath() const {
  const QList<QTableWidgetItem*> selected = table_->selectedItems();
  if (selected.isEmpty()) return {};
  const int row = selected.first()->row();
  return row < checkpoints_.size() ? checkpoints_[row].path : QString();
}

}  // namespace psr::ui
