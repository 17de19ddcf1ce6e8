#include "studio_app.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QStyle>

#include "common/logging.h"
#include "main_window.h"
#include "resources_init.h"

namespace psr::ui {

int runStudio(QApplication& app) {
  initResources();
  QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/psr-studio.svg")));
  QGuiApplication::setDesktopFileName(QStringLiteral("psr-studio"));
  // Keep the platform's own style; only the bare "Windows" fallback (no platform theme) gets Fusion.
  if (QApplication::style()->name().compare(QLatin1String("windows"), Qt::CaseInsensitive) == 0) {
    QApplication::setStyle(QStringLiteral("Fusion"));
  }

  QCommandLineParser parser;
  parser.setApplicationDescription(QApplication::translate("psr::ui", "PSR Studio: compose, curate, train and "
                                                                      "benchmark multi-subject image generation."));
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption workspaceOption(
      QStringList{QStringLiteral("w"), QStringLiteral("workspace")},
      QApplication::translate("psr::ui", "Open the workspace in <dir> instead of the last one."),
      QStringLiteral("dir"));
  parser.addOption(workspaceOption);
  parser.process(app);

  // The log panel shows everything; the terminal keeps only what needs attention.
  psr::setConsoleLogLevel(spdlog::level::warn);

  MainWindow window;
  window.show();
  window.openInitialWorkspace(parser.value(workspaceOption));
  return QApplication::exec();
}

}  // namespace psr::ui
