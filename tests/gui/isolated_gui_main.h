#pragma once
// The main() of every studio GUI test: a private home (XDG config/data/cache set before the
// QApplication exists, because QSettings and core's paths read them once), Qt's test mode, quiet
// console logs, then the test object. `home` points at the folder while the tests run.
#include <QApplication>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "common/logging.h"

template <typename Test>
int runIsolatedGuiTest(int argc, char* argv[], const char* applicationName, QTemporaryDir** home) {
  QTemporaryDir dir;
  if (!dir.isValid()) return 1;
  *home = &dir;
  qputenv("XDG_CONFIG_HOME", QFile::encodeName(dir.filePath("config")));
  qputenv("XDG_DATA_HOME", QFile::encodeName(dir.filePath("data")));
  qputenv("XDG_CACHE_HOME", QFile::encodeName(dir.filePath("cache")));
  QStandardPaths::setTestModeEnabled(true);
  QApplication app(argc, argv);
  QApplication::setOrganizationName("psr-studio");
  QApplication::setApplicationName(applicationName);
  psr::setConsoleLogLevel(spdlog::level::warn);
  Test test;
  const int rc = QTest::qExec(&test, argc, argv);
  *home = nullptr;
  return rc;
}
