#include "job_presets.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace psr::ui {
namespace {

/// The RL trainer's defaults (core/train/rl_config.h) starting from the shipped `sft` model with
/// prompts of the world's train split.
QJsonObject rlDefaults() {
  return QJsonObject{
      {"kind", "rl"},
      {"name", "rl"},
      {"init", "sft"},
      {"data", QJsonObject{{"world", QJsonObject{{"subjects", QJsonObject{{"2", 0.9}, {"3", 0.05}, {"4", 0.05}}}}}}},
      {"epochs", 100},
      {"prompts_per_epoch", 4},
      {"group_size", 6},
      {"rollout_batch", 12},
      {"sampling_steps", 10},
      {"noise_level", 0.7},
      {"shift", 3.0},
      {"guidance", 1.0},
      {"train_steps", 0},
      {"clip_range", 1e-4},
      {"advantage_clip", 5.0},
      {"advantage", "summed"},
      {"std", "group"},
      {"kl_beta", 0.01},
      {"kl_max", 0.0},
      {"lr", 1e-5},
      {"grad_clip", 1.0},
      {"ema", 0.0},
      {"weights", QJsonObject{{"psr", 0.4}, {"semantic", 0.4}, {"aesthetic", 0.2}}},
      {"checkpoint_every", 10},
      {"keep_checkpoints", 3},
      {"seed", 1},
      {"threads", 2},
      {"out", "rl"},
  };
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
  bool haveRl = false;
  if (!dir.isEmpty()) {
    for (const QFileInfo& file : QDir(dir).entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
      QFile f(file.filePath());
      if (!f.open(QIODevice::ReadOnly)) continue;
      const QJsonObject spec = QJsonDocument::fromJson(f.readAll()).object();
      const QString kind = spec.value(QLatin1String("kind")).toString();
      if (kind != QLatin1String("sft") && kind != QLatin1String("rl")) continue;
      haveRl = haveRl || kind == QLatin1String("rl");
      presets.append({QStringLiteral("%1 \u00b7 %2").arg(kindLabel(kind), file.completeBaseName()), spec});
    }
  }
  if (!haveRl) {
    presets.append({QCoreApplication::translate("JobPresets", "RL \u00b7 Flow-GRPO defaults (from sft)"), rlDefaults()});
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
