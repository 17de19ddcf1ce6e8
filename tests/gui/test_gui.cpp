// Drives the real studio widgets on the offscreen platform. Settings and data go to a temporary
// XDG home (set before QApplication exists), so the user's own studio is never touched.
#include "isolated_gui_main.h"
#include <thread>

#include <QAbstractItemModel>
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QListView>
#include <QListWidget>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "about_dialog.h"
#include "common/logging.h"
#include "device_selector.h"
#include "empty_state.h"
#include "error_banner.h"
#include "log_dock.h"
#include "log_model.h"
#include "main_window.h"
#include "path_conversion.h"
#include "recent_workspaces_menu.h"
#include "theme.h"
#include "store/database.h"
#include "store/workspace.h"
#include "workspace_panel.h"

using psr::ui::MainWindow;

namespace {

constexpr int kOpenTimeoutMs = 20000;

// The temporary home every path in this test lives under; created in main() before QApplication.
QTemporaryDir* testHome = nullptr;

QString homePath(const QString& relative) { return testHome->filePath(relative); }

/// A fresh workspace folder under the test home, created through core as the CLI would.
QString makeWorkspace(const QString& name, const char* sql = nullptr) {
  const QString dir = homePath(QStringLiteral("workspaces/") + name);
  QDir(dir).removeRecursively();
  auto workspace = psr::store::Workspace::create(psr::ui::toPath(dir));
  if (sql) workspace->db().exec(sql);
  return dir;
}

constexpr const char* kPopulatedSql = R"SQL(
INSERT INTO models(id, name, kind) VALUES (1, 'psr-dit-tiny', 'dit');
INSERT INTO jobs(id, kind, spec, state) VALUES
  (1, 'train.sft', '{}', 'finished'), (2, 'train.sft', '{}', 'finished'), (3, 'train.grpo', '{}', 'running');
INSERT INTO checkpoints(model_id, job_id, step, path) VALUES (1, 1, 500, 'checkpoints/a'), (1, 2, 1000, 'checkpoints/b');
INSERT INTO datasets(id, name) VALUES (1, 'emoji-v1');
INSERT INTO samples(id, dataset_id, subset, split, instruction) VALUES
  (1, 1, 'animal', 'train', 'a cat next to a dog'), (2, 1, 'animal', 'train', 'a fox on a rock'),
  (3, 1, 'object', 'heldout', 'a cup on a table');
INSERT INTO reviews(sample_id, verdict) VALUES (1, 'accepted'), (2, 'rejected');
INSERT INTO bench_runs(id, checkpoint_id, label, suite, seed) VALUES (1, 2, 'sft-1000', 'psrbench', 7);
INSERT INTO bench_results(run_id, subset, sample_id, metric, value) VALUES
  (1, 'animal', 1, 'psr', 0.5), (1, 'object', 3, 'psr', 0.25);
)SQL";

bool openAndWait(MainWindow& window, const QString& dir) {
  QSignalSpy opened(&window, &MainWindow::workspaceOpened);
  window.openWorkspace(dir);
  return opened.wait(kOpenTimeoutMs);
}

const QAbstractItemModel* tableModel(const MainWindow& window, const char* name) {
  auto* view = window.findChild<QTableView*>(QString::fromLatin1(name));
  return view ? view->model() : nullptr;
}

/// The row whose first column is `key`, or -1.
int findRow(const QAbstractItemModel* model, const QString& key) {
  for (int row = 0; row < model->rowCount(); ++row) {
    if (model->index(row, 0).data().toString() == key) return row;
  }
  return -1;
}

bool logContains(const psr::ui::LogModel* model, const QString& needle) {
  for (int row = 0; row < model->rowCount(); ++row) {
    if (model->index(row).data().toString().contains(needle)) return true;
  }
  return false;
}

}  // namespace

class TestGui : public QObject {
  Q_OBJECT

 private slots:
  void init() { QSettings().clear(); }

  void mainWindowHasFourPanels() {
    MainWindow window;
    QCOMPARE(window.panelCount(), 4);
    const QStringList expected = {"Compose", "Curate", "Train", "Bench"};
    auto* navigation = window.findChild<QListWidget*>("panelNavigation");
    auto* stack = window.findChild<QStackedWidget*>("panelStack");
    QVERIFY(navigation && stack);
    QCOMPARE(navigation->count(), 4);
    QCOMPARE(stack->count(), 4);
    for (int i = 0; i < 4; ++i) {
      QCOMPARE(window.panel(i)->title(), expected[i]);
      QCOMPARE(navigation->item(i)->text(), expected[i]);
      QCOMPARE(stack->widget(i), window.panel(i));
      QVERIFY(!window.panel(i)->showsContent());
      QCOMPARE(window.panel(i)->emptyState()->headline(), QString("No workspace open"));
    }
    QCOMPARE(window.windowTitle(), QString("PSR Studio"));
  }

  void navigationSwitchesPanels() {
    MainWindow window;
    window.resize(1000, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* navigation = window.findChild<QListWidget*>("panelNavigation");
    auto* stack = window.findChild<QStackedWidget*>("panelStack");
    for (int i : {2, 0, 3, 1}) {
      const QRect rect = navigation->visualItemRect(navigation->item(i));
      QTest::mouseClick(navigation->viewport(), Qt::LeftButton, {}, rect.center());
      QCOMPARE(stack->currentIndex(), i);
      QCOMPARE(stack->currentWidget(), window.panel(i));
    }
  }

  void shortcutsSwitchPanels() {
    MainWindow window;
    window.show();
    QApplication::setActiveWindow(&window);
    QVERIFY(QTest::qWaitForWindowActive(&window));
    auto* stack = window.findChild<QStackedWidget*>("panelStack");
    for (int i : {4, 2, 3, 1}) {
      QTest::keyClick(&window, Qt::Key(Qt::Key_0 + i), Qt::ControlModifier);
      QCOMPARE(stack->currentIndex(), i - 1);
      QCOMPARE(window.currentPanel(), i - 1);
    }
  }

  void currentPanelPersists() {
    {
      MainWindow window;
      window.setCurrentPanel(MainWindow::Train);
    }
    MainWindow again;
    QCOMPARE(again.currentPanel(), int(MainWindow::Train));
  }

  void windowGeometryPersists() {
    {
      MainWindow window;
      window.show();
      QVERIFY(QTest::qWaitForWindowExposed(&window));
      window.resize(1010, 707);
      QTRY_COMPARE(window.size(), QSize(1010, 707));
      window.close();
    }
    MainWindow again;
    QCOMPARE(again.size(), QSize(1010, 707));
  }

  void openedWorkspaceShowsItsState() {
    const QString dir = makeWorkspace("populated", kPopulatedSql);
    MainWindow window;
    QSignalSpy opened(&window, &MainWindow::workspaceOpened);
    window.openWorkspace(dir);
    QVERIFY(window.workspace() == nullptr);  // opening happens on the loader thread, not in this call
    QVERIFY(opened.wait(kOpenTimeoutMs));
    QCOMPARE(window.workspaceDir(), QDir(dir).absolutePath());
    QVERIFY(window.windowTitle().contains("populated"));
    for (int i = 0; i < window.panelCount(); ++i) QVERIFY2(window.panel(i)->showsContent(), qPrintable(window.panel(i)->title()));

    const QAbstractItemModel* models = tableModel(window, "composeModelsTable");
    QVERIFY(models);
    QCOMPARE(models->rowCount(), 1);
    QCOMPARE(models->index(0, 0).data().toString(), QString("psr-dit-tiny"));
    QCOMPARE(models->index(0, 2).data().toLongLong(), 2LL);     // checkpoints
    QCOMPARE(models->index(0, 3).data().toLongLong(), 1000LL);  // latest step
    QCOMPARE(window.panel(MainWindow::Compose)->summary(), QString("1 model \u00b7 2 checkpoints"));

    const QAbstractItemModel* subsets = tableModel(window, "curateSubsetsTable");
    QCOMPARE(subsets->rowCount(), 2);
    const int animal = findRow(subsets, "animal");
    QVERIFY(animal >= 0);
    QCOMPARE(subsets->index(animal, 1).data().toString(), QString("train"));
    QCOMPARE(subsets->index(animal, 2).data().toLongLong(), 2LL);  // samples
    QCOMPARE(subsets->index(animal, 3).data().toLongLong(), 1LL);  // accepted
    QCOMPARE(subsets->index(animal, 4).data().toLongLong(), 1LL);  // rejected
    QCOMPARE(subsets->index(findRow(subsets, "object"), 5).data().toLongLong(), 1LL);  // to review
    QVERIFY(window.panel(MainWindow::Curate)->summary().startsWith("3 samples in 1 dataset"));

    const QAbstractItemModel* jobs = tableModel(window, "trainJobs");
    QCOMPARE(jobs->rowCount(), 3);
    QStringList states;
    for (int row = 0; row < jobs->rowCount(); ++row) states << jobs->index(row, 3).data().toString();
    QCOMPARE(states.count("finished"), 2);
    QCOMPARE(states.count("running"), 1);
    QVERIFY(window.panel(MainWindow::Train)->summary().startsWith("3 jobs \u00b7 1 running"));

    const QAbstractItemModel* runs = tableModel(window, "benchRunsTable");
    QCOMPARE(runs->rowCount(), 1);
    QCOMPARE(runs->index(0, 0).data().toString(), QString("sft-1000"));
    QCOMPARE(runs->index(0, 3).data().toLongLong(), 2LL);  // subsets
    QCOMPARE(runs->index(0, 4).data().toLongLong(), 2LL);  // results

    // Another writer (the CLI, a job) adds rows; a refresh shows them.
    window.workspace()->db().exec("INSERT INTO models(name, kind) VALUES ('psr-dit-small', 'dit')");
    window.setCurrentPanel(MainWindow::Compose);
    window.refreshCurrentPanel();
    QCOMPARE(models->rowCount(), 2);
    QVERIFY(findRow(models, "psr-dit-small") >= 0);
    QCOMPARE(window.panel(MainWindow::Compose)->summary(), QString("2 models \u00b7 2 checkpoints"));
  }

  void emptyWorkspaceExplainsNextSteps() {
    const QString dir = makeWorkspace("empty");
    MainWindow window;
    QVERIFY(openAndWait(window, dir));
    const QStringList commands = {"psr train sft \u2026", "psr data synth \u2026", "psr train sft \u2026",
                                  "psr bench run \u2026"};
    for (int i = 0; i < window.panelCount(); ++i) {
      const psr::ui::WorkspacePanel* panel = window.panel(i);
      // Compose (shipped models), Train (presets to launch) and Bench (a run bar whose first run
      // creates the built-in suite) always have something to offer.
      if (i == MainWindow::Compose || i == MainWindow::Train || i == MainWindow::Bench) {
        QVERIFY(panel->showsContent());
        continue;
      }
      QVERIFY(!panel->showsContent());
      QVERIFY(panel->emptyState()->headline().startsWith("No "));
      QVERIFY(panel->emptyState()->body().size() > 40);
      QCOMPARE(panel->emptyState()->commands(), QStringList{commands[i]});
    }
    QCOMPARE(window.panel(MainWindow::Compose)->summary(), QString("0 models \u00b7 0 checkpoints"));
  }

  void badFolderShowsErrorAndKeepsWorkspace_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not a workspace") << "plain" << "not a PSR Studio workspace";
    QTest::newRow("missing folder") << "missing" << "does not exist";
    QTest::newRow("damaged database") << "corrupt" << "damaged";
    QTest::newRow("foreign database") << "foreign" << "another application";
  }

  void badFolderShowsErrorAndKeepsWorkspace() {
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    const QString bad = homePath("bad/" + kind);
    QDir(bad).removeRecursively();
    if (kind != "missing") QVERIFY(QDir().mkpath(bad));
    if (kind == "plain" || kind == "corrupt") {
      QFile file(bad + (kind == "plain" ? "/notes.txt" : "/studio.db"));
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write(QByteArray(4096, 'x'));
    } else if (kind == "foreign") {
      psr::store::Database(psr::ui::toPath(bad + "/studio.db"), psr::store::OpenMode::ReadWriteCreate)
          .exec("CREATE TABLE notes(text TEXT)");
    }

    const QString good = makeWorkspace("good");
    MainWindow window;
    QVERIFY(openAndWait(window, good));
    const QString title = window.windowTitle();

    QSignalSpy errors(&window, &MainWindow::errorShown);
    QSignalSpy opened(&window, &MainWindow::workspaceOpened);
    window.openWorkspace(bad);
    QVERIFY(errors.wait(kOpenTimeoutMs));
    QVERIFY2(window.lastError().contains(expected, Qt::CaseInsensitive), qPrintable(window.lastError()));
    QVERIFY(window.lastError().contains(bad));
    QCOMPARE(errors.takeFirst().at(0).toString(), window.lastError());
    QVERIFY(window.errorBanner()->isVisibleTo(&window));
    QCOMPARE(window.errorBanner()->message(), window.lastError());
    auto* box = window.findChild<QMessageBox*>("errorMessageBox");
    QVERIFY(box);
    QVERIFY(box->isVisible());
    QVERIFY(!box->text().isEmpty());
    QVERIFY(box->informativeText().contains(bad));
    box->close();

    QCOMPARE(opened.count(), 0);
    QCOMPARE(window.workspaceDir(), QDir(good).absolutePath());
    QCOMPARE(window.windowTitle(), title);
    QVERIFY(window.workspace() != nullptr);
    QVERIFY(!QDir(bad).exists("blobs"));  // core touched nothing
  }

  void firstLaunchCreatesDefaultWorkspace() {
    const QString expected = homePath("data/psr-studio/default-workspace");
    QDir(expected).removeRecursively();
    MainWindow window;
    QSignalSpy opened(&window, &MainWindow::workspaceOpened);
    window.openInitialWorkspace(QString());
    QVERIFY(opened.wait(kOpenTimeoutMs));
    QCOMPARE(window.workspaceDir(), expected);
    QVERIFY(psr::store::Workspace::looksLikeWorkspace(psr::ui::toPath(expected)));
    QCOMPARE(QSettings().value("workspace/last").toString(), expected);
    psr::logger()->flush();
    QFile log(expected + "/logs/studio.log");
    QVERIFY(log.open(QIODevice::ReadOnly));
    QVERIFY(log.readAll().contains("opened workspace " + expected.toUtf8()));
  }

  void startupPrefersCommandLineThenLastWorkspace() {
    const QString last = makeWorkspace("last");
    const QString explicitDir = makeWorkspace("explicit");
    QSettings().setValue("workspace/last", last);
    {
      MainWindow window;
      QSignalSpy opened(&window, &MainWindow::workspaceOpened);
      window.openInitialWorkspace(QString());
      QVERIFY(opened.wait(kOpenTimeoutMs));
      QCOMPARE(window.workspaceDir(), last);
    }
    MainWindow window;
    QSignalSpy opened(&window, &MainWindow::workspaceOpened);
    window.openInitialWorkspace(explicitDir);
    QVERIFY(opened.wait(kOpenTimeoutMs));
    QCOMPARE(window.workspaceDir(), explicitDir);
  }

  void recentListPersists() {
    const QString first = makeWorkspace("recent-a");
    const QString second = makeWorkspace("recent-b");
    {
      MainWindow window;
      QVERIFY(openAndWait(window, first));
      QVERIFY(openAndWait(window, second));
      QVERIFY(openAndWait(window, first));
    }
    MainWindow window;
    psr::ui::RecentWorkspacesMenu* recent = window.recentWorkspaces();
    QCOMPARE(recent->paths(), (QStringList{first, second}));

    QVERIFY(QDir(second).removeRecursively());
    emit recent->aboutToShow();
    const QList<QAction*> actions = recent->actions();
    QVERIFY(actions.size() >= 2);
    QCOMPARE(actions[0]->data().toString(), first);
    QVERIFY(actions[0]->isEnabled());
    QCOMPARE(actions[1]->data().toString(), second);
    QVERIFY(!actions[1]->isEnabled());  // gone folders are listed but cannot be chosen

    QSignalSpy opened(&window, &MainWindow::workspaceOpened);
    actions[0]->trigger();
    QVERIFY(opened.wait(kOpenTimeoutMs));
    QCOMPARE(window.workspaceDir(), first);

    for (int i = 0; i < 12; ++i) recent->add(homePath(QString("many/%1").arg(i)));
    QCOMPARE(recent->paths().size(), psr::ui::RecentWorkspacesMenu::kMaxEntries);
    QCOMPARE(recent->paths().first(), homePath("many/11"));
  }

  void logPanelShowsLoggedLines() {
    MainWindow window;
    const psr::ui::LogModel* model = window.logDock()->logModel();
    psr::logger()->info("gui test marker {}", 42);
    QTRY_VERIFY(logContains(model, "gui test marker 42"));
    std::thread([] { psr::logger()->warn("from a worker thread {}", 7); }).join();
    QTRY_VERIFY(logContains(model, "from a worker thread 7"));

    // Debug lines are kept but hidden until the filter asks for them.
    auto* view = window.findChild<QListView*>("logView");
    QVERIFY(view);
    window.logDock()->setMinimumLevel(spdlog::level::info);
    psr::logger()->debug("gui test debug line");
    QTRY_VERIFY(logContains(model, "gui test debug line"));
    const int shownAtInfo = view->model()->rowCount();
    window.logDock()->setMinimumLevel(spdlog::level::debug);
    QCOMPARE(view->model()->rowCount(), shownAtInfo + 1);
    window.logDock()->setMinimumLevel(spdlog::level::warn);
    QCOMPARE(view->model()->rowCount(), 1);
    QVERIFY(view->model()->index(0, 0).data().toString().contains("warning"));
  }

  void customColoursFollowDarkPalette() {
    MainWindow window;
    const QPalette light = QApplication::palette();
    const auto bannerBackground = [&] { return window.errorBanner()->palette().color(QPalette::Window); };
    const auto emptyBody = [&] {
      return window.panel(0)->findChild<QLabel*>("emptyStateBody")->palette().color(QPalette::WindowText);
    };
    QVERIFY(!psr::ui::isDarkPalette(light));
    QVERIFY(bannerBackground().lightness() > 128);
    QVERIFY(emptyBody().lightness() < 160);

    QPalette dark = light;
    dark.setColor(QPalette::Window, QColor(0x24, 0x24, 0x28));
    dark.setColor(QPalette::WindowText, QColor(0xee, 0xee, 0xee));
    dark.setColor(QPalette::Base, QColor(0x1b, 0x1b, 0x1e));
    dark.setColor(QPalette::Text, QColor(0xee, 0xee, 0xee));
    QApplication::setPalette(dark);
    QTRY_VERIFY(bannerBackground().lightness() < 128);
    QTRY_VERIFY(emptyBody().lightness() > 100);
    QApplication::setPalette(light);
    QTRY_VERIFY(bannerBackground().lightness() > 128);
  }

  void logModelIsCapped() {
    psr::ui::LogModel model(nullptr, 100);
    for (int i = 0; i < 250; ++i) model.append(spdlog::level::info, QString::number(i));
    QVERIFY(model.rowCount() <= 100);
    QCOMPARE(model.index(model.rowCount() - 1).data().toString(), QString("249"));
  }

  void deviceSelectorListsCpu() {
    QSettings().setValue("device", "cuda:99");  // a device this machine does not have
    MainWindow window;
    psr::ui::DeviceSelector* devices = window.deviceSelector();
    QVERIFY(devices->findData("cpu") >= 0);
    QCOMPARE(devices->currentDevice(), QString("cpu"));
    QVERIFY(devices->currentText().contains("CPU"));
    QVERIFY(!devices->selectDevice("cuda:99"));
  }

  void aboutListsVersionsAndLicences() {
    MainWindow window;
    auto* about = window.findChild<QAction*>("actionAbout");
    QVERIFY(about);
    about->trigger();
    auto* dialog = window.findChild<psr::ui::AboutDialog*>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    const QString versions = dialog->versionsText();
    QVERIFY2(versions.contains(QRegularExpression("^LibTorch \\d+\\.\\d+", QRegularExpression::MultilineOption)),
             qPrintable(versions));
    QVERIFY2(versions.contains(QStringLiteral("Qt %1").arg(qVersion())), qPrintable(versions));
    QVERIFY(versions.contains("PSR Studio 0."));
    for (const char* needle : {"emoji-datasource-google", "Apache", "emoji-datasource-twitter", "CC BY 4.0",
                               "@lobehub/fluent-emoji-3d", "MIT", "openmoji", "CC BY-SA 4.0"}) {
      QVERIFY2(dialog->licensesText().contains(needle), needle);
    }
    dialog->close();
  }

  void screenshotOfMainWindow() {
    const QString dir = makeWorkspace("screenshot", kPopulatedSql);
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(openAndWait(window, dir));
    window.setCurrentPanel(MainWindow::Curate);
    psr::logger()->info("screenshot of the Curate panel");
    QTRY_VERIFY(logContains(window.logDock()->logModel(), "screenshot of the Curate panel"));

    const QString path = QStringLiteral(PSR_BUILD_DIR "/screenshots/main-window.png");
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    QFile::remove(path);
    QVERIFY(window.grab().save(path));
    QVERIFY(QFileInfo(path).size() > 10000);
  }
};

int main(int argc, char* argv[]) {
  return runIsolatedGuiTest<TestGui>(argc, argv, "PSR Studio test", &testHome);
}

#include "test_gui.moc"
