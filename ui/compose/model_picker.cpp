#include "model_picker.h"

#include <QDir>
#include <QDirIterator>
#include <QFileDialog>
#include <QFileInfo>
#include <QSignalBlocker>

namespace psr::ui {
namespace {

const QString kBrowse = QStringLiteral("\x01browse");
constexpr int kCheckpointDepth = 3;

bool isCheckpointDir(const QString& dir) { return QFileInfo(QDir(dir).filePath(QStringLiteral("config.json"))).isFile(); }

}  // namespace

QStringList findCheckpointFolders(const QString& root) {
  QStringList found;
  QStringList level{root};
  for (int depth = 0; depth < kCheckpointDepth && !level.isEmpty(); ++depth) {
    QStringList next;
    for (const QString& dir : std::as_const(level)) {
      for (const QFileInfo& sub : QDir(dir).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        if (isCheckpointDir(sub.absoluteFilePath())) found << sub.absoluteFilePath();
        else next << sub.absoluteFilePath();
      }
    }
    level = next;
  }
  found.sort();
  return found;
}

ModelPicker::ModelPicker(QWidget* parent) : QComboBox(parent) {
  setObjectName(QStringLiteral("composeModel"));
  setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  setMinimumContentsLength(18);
  rebuild(QStringLiteral("base"));
  connect(this, &QComboBox::activated, this, &ModelPicker::onActivated);
}

void ModelPicker::setWorkspaceDir(const QString& dir) {
  workspaceDir_ = dir;
  const QStringList found = dir.isEmpty() ? QStringList() : findCheckpointFolders(QDir(dir).filePath(QStringLiteral("checkpoints")));
  if (found == checkpoints_) return;
  checkpoints_ = found;
  rebuild(model());
}

QString ModelPicker::model() const { return currentData().toString(); }

void ModelPicker::setModel(const QString& model) {
  if (findData(model) < 0) {
    browsed_.removeAll(model);
    browsed_.append(model);
    rebuild(model);
  }
  setCurrentIndex(findData(model));
  last_ = model;
}

void ModelPicker::rebuild(const QString& keep) {
  const QSignalBlocker quiet(this);
  clear();
  addItem(tr("base \u2014 shipped, single subject"), QStringLiteral("base"));
  addItem(tr("sft \u2014 shipped, multi-subject"), QStringLiteral("sft"));
  addItem(tr("rl \u2014 shipped, PSR reward tuned"), QStringLiteral("rl"));
  const QDir checkpoints(QDir(workspaceDir_).filePath(QStringLiteral("checkpoints")));
  if (!checkpoints_.isEmpty()) insertSeparator(count());
  for (const QString& dir : std::as_const(checkpoints_)) {
    addItem(QDir::toNativeSeparators(QStringLiteral("checkpoints/") + checkpoints.relativeFilePath(dir)), dir);
    setItemData(count() - 1, QDir::toNativeSeparators(dir), Qt::ToolTipRole);
  }
  QStringList extra;
  for (const QString& dir : std::as_const(browsed_)) {
    if (!checkpoints_.contains(dir)) extra << dir;
  }
  if (!extra.isEmpty()) insertSeparator(count());
  for (const QString& dir : std::as_const(extra)) {
    addItem(QDir::toNativeSeparators(dir), dir);
    setItemData(count() - 1, QDir::toNativeSeparators(dir), Qt::ToolTipRole);
  }
  insertSeparator(count());
  addItem(tr("Browse checkpoint folder\u2026"), kBrowse);
  const int index = findData(keep);
  setCurrentIndex(index >= 0 ? index : 0);
  last_ = model();
}

void ModelPicker::onActivated(int index) {
  if (itemData(index).toString() == kBrowse) {
    browse();
    return;
  }
  last_ = model();
}

void ModelPicker::browse() {
  // Back to the previous choice first, so a cancelled dialog leaves nothing half-chosen.
  setCurrentIndex(qMax(0, findData(last_)));
  const QString start = workspaceDir_.isEmpty() ? QDir::homePath() : QDir(workspaceDir_).filePath(QStringLiteral("checkpoints"));
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Checkpoint Folder"), start);
  if (dir.isEmpty()) return;
  if (!isCheckpointDir(dir)) {
    emit failed(tr("%1 is not a checkpoint folder: it has no config.json.").arg(QDir::toNativeSeparators(dir)));
    return;
  }
  setModel(QFileInfo(dir).absoluteFilePath());
}

}  // namespace psr::ui
