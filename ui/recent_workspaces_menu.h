#pragma once
#include <QMenu>
#include <QStringList>

namespace psr::ui {

/** File → Open Recent: the last workspaces opened (QSettings), missing folders shown disabled. */
class RecentWorkspacesMenu : public QMenu {
  Q_OBJECT

 public:
  static constexpr int kMaxEntries = 10;

  explicit RecentWorkspacesMenu(QWidget* parent = nullptr);

  /// Moves `dir` to the top of the list and saves it.
  void add(const QString& dir);
  QStringList paths() const;

 signals:
  void workspaceChosen(const QString& dir);

 private:
  void rebuild();
};

}  // namespace psr::ui
