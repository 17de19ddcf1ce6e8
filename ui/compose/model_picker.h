#pragma once
#include <QComboBox>

namespace psr::ui {

/// Folders under `root` (a workspace's `checkpoints/`, three levels deep) holding a config.json,
/// sorted: the checkpoints Compose and Bench offer.
QStringList findCheckpointFolders(const QString& root);

/** Which model generates: the shipped `base`, `sft` and `rl`, the workspace's checkpoint
 *  folders (`checkpoints/…` with a config.json), or any checkpoint folder browsed for. */
class ModelPicker : public QComboBox {
  Q_OBJECT

 public:
  explicit ModelPicker(QWidget* parent = nullptr);

  /// Re-lists `dir/checkpoints`; the current choice is kept.
  void setWorkspaceDir(const QString& dir);
  /// What `psr generate --model` gets: a shipped name or an absolute folder.
  QString model() const;
  /// Selects `model`, adding it to the list when it is a folder not listed yet.
  void setModel(const QString& model);
  /// The workspace checkpoints currently listed.
  QStringList workspaceCheckpoints() const { return checkpoints_; }

 signals:
  void failed(const QString& message);

 private:
  void rebuild(const QString& keep);
  void onActivated(int index);
  void browse();

  QString workspaceDir_;
  QStringList checkpoints_;
  QStringList browsed_;
  QString last_;
};

}  // namespace psr::ui
