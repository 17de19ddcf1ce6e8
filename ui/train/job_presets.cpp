#include "job_presets.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace psr::ui {
namespace {

/// The RL preset offered when no RL spec ships: the shipped `sft` model with prompts of the
/// world's train split; every other parameter comes from defaults/rl.json.
QJsonObject rlStarter() {
  return QJsonObject{
      {"kind", "rl"},
      {"name", "rl"},
      {"init", "sft"},
      {"data", QJsonObject{{"world", QJsonObject{{"subjects", QJsonObject{{"2", 0.9}, {"3", 0.05}, {"4", 0.05}}}}}}},
      {"out", "rl"},
  };
}

QJsonObject readObject(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QJsonDocument::fromJson(f.readAll()).object();
}

/// `spec` with every key of `defaults` it lacks added. A spec's own keys always win, so the
/// trainer runs exactly what it would without them (tests/train/test_job_defaults.cpp checks
/// this for every shipped spec); the panel lists every parameter this way, set or not.
QJsonObject withDefaults(QJsonObject spec, const QJsonObject& defaults) {
  for (auto it = defaults.begin(); it != defaults.end(); ++it)
    if (!spec.contains(it.key())) spec.insert(it.key(), it.value());
  return spec;
}

QString kindLabel(const QString& kind) { return kind == QLatin1String("rl") ? QStringLiteral("RL") : kind.toUpper(); }

}  // namespace

QString jobPresetsDir() {
  const QString env = qEnvironmentVariable("PSR_GENERATOR_MODELS");
  if (!env.isEmpty()) return QDir(env).filePath(QStringLiteral("jobs"));
  // Installed: <prefix>/bin/psr-studio next to <prefix>/share/psr-studio/models; in a build tree
  // the source tree's resources/ is a few folders above the executable.
  QDir dir(QCoreApplication::applicationDirPath());
  const QString installed = dir.filePath(QStringLiteral("../share/psr-studio/models/generator/jobs"));
  if (QFileInfo(installed).isDir()) return QDir::cleanPath(installed);
  for (int up = 0; up < 5; ++up) {
    const QString candidate = dir.filePath(QStringLiteral("resources/models/generator/jobs"));
    if (QFileInfo(candidate).isDir()) return QDir::cleanPath(candidate);
    if (!dir.cdUp()) break;
  }
  return {};
}

QList<JobPreset> loadJobPresets(const QString& dir) {
  QList<JobPreset> presets;
  auto defaultsFor = [&dir](const QString& kind) {
    return dir.isEmpty() ? QJsonObject{} : readObject(QDir(dir).filePath(QStringLiteral("defaults/%1.json").arg(kind)));
  };
  bool haveRl = false;
  if (!dir.isEmpty()) {
    for (const QFileInfo& file : QDir(dir).entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
      const QJsonObject spec = readObject(file.filePath());
      const QString kind = spec.value(QLatin1String("kind")).toString();
      if (kind != QLatin1String("sft") && kind != QLatin1String("rl")) continue;
      haveRl = haveRl || kind == QLatin1String("rl");
      presets.append({QStringLiteral("%1 \u00b7 %2").arg(kindLabel(kind), file.completeBaseName()),
                      withDefaults(spec, defaultsFor(kind))});
    }
  }
  if (!haveRl) {
    presets.append({QCoreApplication::translate("JobPresets", "RL \u00b7 Flow-GRPO defaults (from sft)"),
                    withDefaults(rlStarter(), defaultsFor(QStringLiteral("rl")))});
  }
  return presets;
}

QString uniqueRunName(const QString& runsDir, const QString& base) {
  const QString stem = base.isEmpty() ? QStringLiteral("run") : base;
  QString name = stem;
  for (int n = 2; QFileInfo::exists(QDir(runsDir).filePath(name)); ++n) name = QStringLiteral("%1-%2").arg(stem).arg(n);
  return name;
}

}  // namespace psr::ui
