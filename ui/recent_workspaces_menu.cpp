#include "recent_workspaces_menu.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace psr::ui {
namespace {

const QString kRecentKey = QStringLiteral("workspace/recent");

}  // namespace

RecentWorkspacesMenu::RecentWorkspacesMenu(QWidget* parent) : QMenu(tr("Open &Recent"), parent) {
  setObjectName(QStringLiteral("recentWorkspacesMenu"));
  setToolTipsVisible(true);
  // Rebuilt on show, so a folder that appeared or vanished since start-up is shown as it is now.
  connect(this, &QMenu::aboutToShow, this, &RecentWorkspacesMenu::rebuild);
  rebuild();
}

void RecentWorkspacesMenu::add(const QString& dir) {
  const QString clean = QDir::cleanPath(dir);
  QStringList list = paths();
  list.removeAll(clean);
  list.prepend(clean);
  while (list.size() > kMaxEntries) list.removeLast();
  QSettings().setValue(kRecentKey, list);
  rebuild();
}

QStringList RecentWorkspacesMenu::paths() const { return QSettings().value(kRecentKey).toStringList(); }

void RecentWorkspacesMenu::rebuild() {
  clear();
  const QStringList list = paths();
  for (int i = 0; i < list.size(); ++i) {
    const QString& dir = list[i];
    // Missing folders stay listed (an unmounted drive comes back) but cannot be chosen.
    const bool present = QFileInfo(dir).isDir();
    const QString mnemonic = i < 9 ? QStringLiteral("&%1").arg(i + 1) : QStringLiteral("1&0");
    QString shown = QDir::toNativeSeparators(dir);
    shown.replace(QLatin1Char('&'), QStringLiteral("&&"));
    QAction* action = addAction(QStringLiteral("%1  %2").arg(mnemonic, shown));
    action->setData(dir);
    action->setEnabled(present);
    action->setToolTip(present ? dir : tr("%1 (folder not found)").arg(dir));
    connect(action, &QAction::triggered, this, [this, dir] { emit workspaceChosen(dir); });
  }
  if (list.isEmpty()) {
    addAction(tr("No recent workspaces"))->setEnabled(false);
    return;
  }
  addSeparator();
  connect(addAction(tr("&Clear List")), &QAction::triggered, this, [this] {
    QSettings().remove(kRecentKey);
    rebuild();
  });
}

}  // namespace psr::ui
