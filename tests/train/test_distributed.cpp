// Data-parallel SFT over c10d/Gloo: two ranks on loopback (`psr train sft` under RANK,
// WORLD_SIZE, MASTER_ADDR, MASTER_PORT) end with the same weights as one process training on
// the same global batch (up to float summation order).
#include <ATen/ATen.h>

#include "tensor/tensor_io.h"
#include "train/sft_trainer.h"
#include "train_fixtures.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

#include <fstream>

namespace fs = std::filesystem;

class TestDistributed : public QObject {
  Q_OBJECT

 private slots:
  void twoGlooRanksEqualOneProcess() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const QString ws = dir.filePath("ws");
    QProcess init;
    init.start(PSR_CLI_PATH, {"workspace", "init", ws});
    QVERIFY(init.waitForFinished(60000) && init.exitCode() == 0);
    fs::create_directories(root / "shards");
    train_fixtures::writeShard(root / "shards" / "shard-00000.safetensors", 12, 16, 7);
    auto spec = train_fixtures::tinyJob(root / "shards", "run", 3);
    spec["batch"] = 4;
    spec["checkpoint_every"] = 3;
    std::ofstream(root / "single.json") << spec.dump();
    spec["out"] = "dp";
    std::ofstream(root / "dp.json") << spec.dump();

    QProcess single;
    single.start(PSR_CLI_PATH, {"-w", ws, "train", "sft", "--config", dir.filePath("single.json")});
    QVERIFY(single.waitForFinished(300000));
    QVERIFY2(single.exitCode() == 0, single.readAllStandardError().constData());

    const QString port = QString::number(20000 + (::getpid() % 20000));
    QProcess ranks[2];
    for (int r = 0; r < 2; ++r) {
      auto env = QProcessEnvironment::systemEnvironment();
      env.insert("RANK", QString::number(r));
      env.insert("LOCAL_RANK", QString::number(r));
      env.insert("WORLD_SIZE", "2");
      env.insert("MASTER_ADDR", "127.0.0.1");
      env.insert("MASTER_PORT", port);
      ranks[r].setProcessEnvironment(env);
      ranks[r].start(PSR_CLI_PATH, {"-w", ws, "train", "sft", "--config", dir.filePath("dp.json")});
    }
    for (auto& p : ranks) {
      QVERIFY(p.waitForFinished(300000));
      QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, p.readAllStandardError().constData());
    }
    const auto a = psr::tensor::loadTensors(psr::train::latestCheckpoint(ws.toStdString() + "/runs/run") / "train_state.safetensors");
    const auto b = psr::tensor::loadTensors(psr::train::latestCheckpoint(ws.toStdString() + "/runs/dp") / "train_state.safetensors");
    QCOMPARE(a.size(), b.size());
    double worst = 0;
    for (const auto& [name, t] : a) {
      QVERIFY2(b.count(name), name.c_str());
      worst = std::max(worst, (t.to(at::kDouble) - b.at(name).to(at::kDouble)).abs().max().item<double>());
    }
    qInfo("max |single - 2 ranks| over %zu tensors: %.3g", a.size(), worst);
    QVERIFY(worst < 1e-5);
  }
};

QTEST_GUILESS_MAIN(TestDistributed)
#include "test_distributed.moc"
