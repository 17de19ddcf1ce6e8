// Store: SHA-256, migrations, blob store, transactions, bad input and crash safety.
#include <sqlite3.h>
#include <sys/stat.h>

#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/sha256.h"
#include "readonly_probe.h"
#include "store/migrations.h"
#include "store/workspace.h"

using psr::Error;
using psr::ErrorCode;
using psr::store::Workspace;
namespace fs = std::filesystem;

namespace {

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void writeFile(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

ErrorCode errorOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::Generic;  // "no error" is never expected by the callers below
}

std::string messageOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

/// Sets the workspace's schema version with plain SQLite, as a newer build would.
void setUserVersion(const fs::path& db, int version) {
  sqlite3* h = nullptr;
  QCOMPARE(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  QCOMPARE(sqlite3_exec(h, ("PRAGMA user_version = " + std::to_string(version)).c_str(), nullptr, nullptr, nullptr),
           SQLITE_OK);
  sqlite3_close(h);
}

}  // namespace

class TestStore : public QObject {
  Q_OBJECT

 private slots:
  void sha256KnownVectors_data();
  void sha256KnownVectors();
  void sha256Incremental();
  void createMakesLayoutAndSchema();
  void createIsIdempotent();
  void migrateUpgradesOldDatabase();
  void newerSchemaIsRefusedUntouched();
  void folderThatIsNotAWorkspace();
  void initRefusesNonEmptyFolder();
  void corruptDatabaseIsRefusedUntouched();
  void foreignSqliteDatabaseIsRefused();
  void missingFolder();
  void readOnlyFolder();
  void blobStoreRoundTrip();
  void blobStoreDetectsCorruption();
  void blobStoreRejectsBadDigest();
  void blobStoreDeferredWrites();
  void transactionRollsBackWithoutCommit();
  void foreignKeysAreEnforced();
  void infoCountsRows();
  void killedWriterLosesNoCommittedRow();

 private:
  QTemporaryDir tmp_;
  fs::path fresh(const char* name) { return fs::path(tmp_.path().toStdString()) / name; }
};

void TestStore::sha256KnownVectors_data() {
  QTest::addColumn<QByteArray>("input");
  QTest::addColumn<QString>("digest");
  QTest::newRow("empty") << QByteArray() << "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  QTest::newRow("abc") << QByteArray("abc") << "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  QTest::newRow("two blocks") << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                              << "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
}

void TestStore::sha256KnownVectors() {
  QFETCH(QByteArray, input);
  QFETCH(QString, digest);
  QCOMPARE(QString::fromStdString(psr::sha256Hex(std::string_view(input.constData(), input.size()))), digest);
}

void TestStore::sha256Incremental() {
  // One million 'a' fed in uneven pieces (FIPS 180-2 test vector).
  psr::Sha256 h;
  const std::string chunk(997, 'a');
  std::size_t left = 1000000;
  while (left > 0) {
    const std::size_t n = std::min(left, chunk.size());
    h.update(chunk.data(), n);
    left -= n;
  }
  QCOMPARE(QString::fromStdString(h.hexDigest()),
           QStringLiteral("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
}

void TestStore::createMakesLayoutAndSchema() {
  const auto dir = fresh("ws-layout");
  auto ws = Workspace::create(dir);
  for (const char* sub : {"blobs", "checkpoints", "runs", "logs"}) QVERIFY(fs::is_directory(dir / sub));
  QVERIFY(fs::is_regular_file(dir / "studio.db"));
  QCOMPARE(ws->db().queryInt("PRAGMA user_version"), std::int64_t(psr::store::latestSchemaVersion()));
  QCOMPARE(ws->db().queryInt("PRAGMA application_id"), std::int64_t(psr::store::kApplicationId));
  QCOMPARE(ws->db().queryInt("PRAGMA foreign_keys"), std::int64_t(1));
  auto mode = ws->db().prepare("PRAGMA journal_mode");
  QVERIFY(mode.step());
  QCOMPARE(QString::fromStdString(mode.columnText(0)), QStringLiteral("wal"));
}

void TestStore::createIsIdempotent() {
  const auto dir = fresh("ws-idem");
  {
    auto ws = Workspace::create(dir);
    ws->db().exec("INSERT INTO datasets(name) VALUES ('kept')");
  }
  auto again = Workspace::create(dir);
  QCOMPARE(again->db().queryInt("SELECT count(*) FROM datasets WHERE name = 'kept'"), std::int64_t(1));
}

void TestStore::migrateUpgradesOldDatabase() {
  // A database at version 0 with our application id (as left by a crash between creation
  // and the first migration) is brought to the latest version; reopening does not re-run.
  const auto dir = fresh("ws-old");
  fs::create_directories(dir);
  {
    psr::store::Database db(dir / "studio.db", psr::store::OpenMode::ReadWriteCreate);
    db.exec("PRAGMA application_id = " + std::to_string(psr::store::kApplicationId));
  }
  {
    auto ws = Workspace::open(dir);
    QCOMPARE(ws->db().queryInt("PRAGMA user_version"), std::int64_t(psr::store::latestSchemaVersion()));
    QCOMPARE(ws->db().queryInt("SELECT count(*) FROM sqlite_schema WHERE name = 'samples'"), std::int64_t(1));
    ws->db().exec("INSERT INTO models(name, kind) VALUES ('m', 'generator')");
  }
  auto ws = Workspace::open(dir);
  QCOMPARE(ws->db().queryInt("SELECT count(*) FROM models"), std::int64_t(1));
}

void TestStore::newerSchemaIsRefusedUntouched() {
  const auto dir = fresh("ws-newer");
  Workspace::create(dir).reset();
  setUserVersion(dir / "studio.db", psr::store::latestSchemaVersion() + 1);
  const std::string before = readFile(dir / "studio.db");
  QCOMPARE(errorOf([&] { Workspace::open(dir); }), ErrorCode::NewerSchema);
  QVERIFY(messageOf([&] { Workspace::open(dir); }).find("newer PSR Studio") != std::string::npos);
  QCOMPARE(readFile(dir / "studio.db"), before);
  QVERIFY(!fs::exists(dir / "studio.db-wal") || fs::file_size(dir / "studio.db-wal") == 0);
}

void TestStore::folderThatIsNotAWorkspace() {
  const auto dir = fresh("not-ws");
  fs::create_directories(dir);
  writeFile(dir / "notes.txt", "mine");
  QCOMPARE(errorOf([&] { Workspace::open(dir); }), ErrorCode::NotAWorkspace);
  QVERIFY(messageOf([&] { Workspace::open(dir); }).find("not a PSR Studio workspace") != std::string::npos);
  QVERIFY(!fs::exists(dir / "studio.db"));
  QVERIFY(!fs::exists(dir / "blobs"));
}

void TestStore::initRefusesNonEmptyFolder() {
  const auto dir = fresh("busy");
  fs::create_directories(dir);
  writeFile(dir / "thesis.tex", "precious");
  QCOMPARE(errorOf([&] { Workspace::create(dir); }), ErrorCode::NotAWorkspace);
  QCOMPARE(readFile(dir / "thesis.tex"), std::string("precious"));
  QCOMPARE(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1L);
}

void TestStore::corruptDatabaseIsRefusedUntouched() {
  const auto dir = fresh("ws-corrupt");
  Workspace::create(dir).reset();
  std::string bytes = readFile(dir / "studio.db");
  QVERIFY(bytes.size() > 100);
  for (std::size_t i = 0; i < 100; ++i) bytes[i] = char(0xA5 ^ i);  // destroys the header
  writeFile(dir / "studio.db", bytes);
  QCOMPARE(errorOf([&] { Workspace::open(dir); }), ErrorCode::Corrupt);
  QVERIFY(messageOf([&] { Workspace::open(dir); }).find("damaged") != std::string::npos);
  QCOMPARE(readFile(dir / "studio.db"), bytes);
}

void TestStore::foreignSqliteDatabaseIsRefused() {
  const auto dir = fresh("ws-foreign");
  fs::create_directories(dir);
  {
    psr::store::Database db(dir / "studio.db", psr::store::OpenMode::ReadWriteCreate);
    db.exec("CREATE TABLE songs(id INTEGER PRIMARY KEY, title TEXT)");
  }
  const std::string before = readFile(dir / "studio.db");
  QCOMPARE(errorOf([&] { Workspace::open(dir); }), ErrorCode::NotAWorkspace);
  QCOMPARE(errorOf([&] { Workspace::create(dir); }), ErrorCode::NotAWorkspace);
  QCOMPARE(readFile(dir / "studio.db"), before);
}

void TestStore::missingFolder() {
  QCOMPARE(errorOf([&] { Workspace::open(fresh("nowhere")); }), ErrorCode::NotFound);
}

void TestStore::readOnlyFolder() {
  const auto dir = fresh("ws-ro");
  Workspace::create(dir).reset();
  const std::string before = readFile(dir / "studio.db");
  // The temporary folder is private to us; the unprivileged probe must be able to reach it.
  ::chmod(tmp_.path().toLocal8Bit().constData(), 0755);
  ::chmod(dir.c_str(), 0555);
  ::chmod((dir / "studio.db").c_str(), 0444);
  const int code = runWithoutPrivileges([&] {
    try {
      Workspace::open(dir);
    } catch (const Error& e) {
      return e.code() == ErrorCode::ReadOnly && std::string(e.what()).find("not writable") != std::string::npos ? 0 : 1;
    }
    return 2;
  });
  const int createCode = runWithoutPrivileges([&] {
    return errorOf([&] { Workspace::create(dir / "inner"); }) == ErrorCode::ReadOnly ? 0 : 1;
  });
  ::chmod(dir.c_str(), 0755);
  ::chmod((dir / "studio.db").c_str(), 0644);
  QCOMPARE(code, 0);
  QCOMPARE(createCode, 0);
  QCOMPARE(readFile(dir / "studio.db"), before);
}

void TestStore::blobStoreRoundTrip() {
  auto ws = Workspace::create(fresh("ws-blobs"));
  const std::string png = "\x89PNG fake image bytes";
  const std::string digest = ws->putBlob(png, "image/png");
  QCOMPARE(digest, psr::sha256Hex(png));
  QCOMPARE(ws->putBlob(png, "image/png"), digest);
  QCOMPARE(ws->db().queryInt("SELECT count(*) FROM blobs"), std::int64_t(1));
  QCOMPARE(ws->blobs().read(digest), png);
  const auto path = ws->blobs().pathOf(digest);
  QCOMPARE(path.parent_path().filename().string(), digest.substr(0, 2));
  QCOMPARE(path.filename().string(), digest);
  // No temporary files are left behind.
  for (const auto& e : fs::recursive_directory_iterator(ws->blobs().root())) {
    QVERIFY2(e.path().filename().string().find(".tmp") == std::string::npos, e.path().c_str());
  }
}

void TestStore::blobStoreDetectsCorruption() {
  auto ws = Workspace::create(fresh("ws-blob-bad"));
  const std::string digest = ws->putBlob("original", "text/plain");
  writeFile(ws->blobs().pathOf(digest), "tampered");
  QCOMPARE(errorOf([&] { ws->blobs().read(digest); }), ErrorCode::Corrupt);
  fs::remove(ws->blobs().pathOf(digest));
  QCOMPARE(errorOf([&] { ws->blobs().read(digest); }), ErrorCode::NotFound);
}

void TestStore::blobStoreRejectsBadDigest() {
  auto ws = Workspace::create(fresh("ws-blob-digest"));
  QCOMPARE(errorOf([&] { ws->blobs().pathOf("../../etc/passwd"); }), ErrorCode::InvalidArgument);
  QCOMPARE(errorOf([&] { ws->blobs().read(std::string(64, 'G')); }), ErrorCode::InvalidArgument);
}

void TestStore::blobStoreDeferredWrites() {
  auto ws = Workspace::create(fresh("ws-blob-deferred"));
  const std::string bytes = "deferred bytes";
  const std::string digest = psr::sha256Hex(bytes);
  // A torn file from a crash before the batch's sync is shorter than its content: rewritten.
  fs::create_directories(ws->blobs().pathOf(digest).parent_path());
  writeFile(ws->blobs().pathOf(digest), "defer");
  ws->blobs().putKnown(digest, bytes, psr::store::BlobStore::Durability::Deferred);
  ws->blobs().syncFilesystem();
  QCOMPARE(ws->blobs().read(digest), bytes);
}

void TestStore::transactionRollsBackWithoutCommit() {
  auto ws = Workspace::create(fresh("ws-tx"));
  auto& db = ws->db();
  try {
    psr::store::Transaction tx(db);
    db.exec("INSERT INTO datasets(name) VALUES ('lost')");
    throw std::runtime_error("failure mid-transaction");
  } catch (const std::runtime_error&) {
  }
  QCOMPARE(db.queryInt("SELECT count(*) FROM datasets"), std::int64_t(0));
  {
    psr::store::Transaction tx(db);
    db.exec("INSERT INTO datasets(name) VALUES ('kept')");
    tx.commit();
  }
  QCOMPARE(db.queryInt("SELECT count(*) FROM datasets"), std::int64_t(1));
}

void TestStore::foreignKeysAreEnforced() {
  auto ws = Workspace::create(fresh("ws-fk"));
  QVERIFY_THROWS_EXCEPTION(Error, ws->db().exec("INSERT INTO checkpoints(model_id, path) VALUES (999, 'x')"));
  QCOMPARE(ws->db().queryInt("SELECT count(*) FROM checkpoints"), std::int64_t(0));
}

void TestStore::infoCountsRows() {
  auto ws = Workspace::create(fresh("ws-info"));
  ws->db().exec("INSERT INTO jobs(kind, spec, state) VALUES ('sft', '{}', 'running'), ('rl', '{}', 'queued'),"
                " ('rl', '{}', 'queued')");
  ws->putBlob("12345", "application/octet-stream");
  const auto info = ws->info();
  QCOMPARE(info.counts.at("jobs"), 3LL);
  QCOMPARE(info.counts.at("blobs"), 1LL);
  QCOMPARE(info.blobBytes, 5LL);
  QCOMPARE(info.jobsByState.at("queued"), 2LL);
  QCOMPARE(info.schemaVersion, psr::store::latestSchemaVersion());
  const auto json = info.toJson();
  QCOMPARE(json.at("counts").at("jobs").get<long long>(), 3LL);
}

void TestStore::killedWriterLosesNoCommittedRow() {
  const auto dir = fresh("ws-kill");
  Workspace::create(dir).reset();
  long long lastAcknowledged = 0;
  for (int round = 0; round < 15; ++round) {
    QProcess writer;
    writer.start(PSR_STORE_WRITER_PATH, {QString::fromStdString(dir.string())});
    QVERIFY2(writer.waitForStarted(10000), qPrintable(writer.errorString()));
    // Wait for a random number of commits, then kill while the next transaction is open.
    const int wanted = 2 + QRandomGenerator::global()->bounded(40);
    QByteArray out;
    while (out.count('\n') < wanted) {
      QVERIFY2(writer.waitForReadyRead(20000), "writer produced no output");
      out += writer.readAllStandardOutput();
    }
    QTest::qSleep(QRandomGenerator::global()->bounded(5));
    writer.kill();
    QVERIFY(writer.waitForFinished(10000));
    out += writer.readAllStandardOutput();
    for (const QByteArray& line : out.split('\n')) {
      if (!line.isEmpty()) lastAcknowledged = std::max(lastAcknowledged, line.toLongLong());
    }

    auto ws = Workspace::open(dir);
    auto& db = ws->db();
    auto check = db.prepare("PRAGMA integrity_check");
    QVERIFY(check.step());
    QCOMPARE(QString::fromStdString(check.columnText(0)), QStringLiteral("ok"));
    // Every acknowledged transaction is there, whole; nothing half-applied exists.
    QCOMPARE(db.queryInt("SELECT count(*) FROM datasets WHERE id <= " + std::to_string(lastAcknowledged)),
             std::int64_t(lastAcknowledged));
    QCOMPARE(db.queryInt("SELECT count(*) FROM jobs"), db.queryInt("SELECT count(*) FROM datasets"));
    QCOMPARE(db.queryInt("SELECT count(*) FROM metrics"), 50 * db.queryInt("SELECT count(*) FROM datasets"));
  }
  QVERIFY(lastAcknowledged >= 15 * 2);
}

QTEST_GUILESS_MAIN(TestStore)
#include "test_store.moc"
