// psr-studio: the desktop studio. Everything but start-up lives in ui/ (psr::ui::runStudio).
#include <QApplication>

#include "device/devices.h"
#include "device/versions.h"
#include "studio_app.h"

int main(int argc, char* argv[]) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("psr-studio"));
  QApplication::setApplicationName(QStringLiteral("PSR Studio"));
  QApplication::setApplicationVersion(QString::fromStdString(psr::studioVersion()));
  psr::configureThreads();
  return psr::ui::runStudio(app);
}
