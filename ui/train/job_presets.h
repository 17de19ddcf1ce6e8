#pragma once
#include <QJsonObject>
#include <QList>
#include <QString>

namespace psr::ui {

/// A starting point for a training job: a label for the picker and its spec ("kind" sft or rl).
struct JobPreset {
  QString label;
  QJsonObject spec;
  QString kind() const { return spec.value(QLatin1String("kind")).toString(); }
};

/// The folder of shipped job specs: $PSR_GENERATOR_MODELS/jobs, else the installed or source
/// tree's models/generator/jobs found from the executable; empty when there is none.
QString jobPresetsDir();

/// The shipped specs of `dir` (every *.json with a "kind"), in name order, plus an RL starter
/// from `sft` when no RL spec ships, so both kinds can always be launched. Each preset also
/// lists every key its trainer reads that it does not set, at the trainer's default
/// (`dir`/defaults/<kind>.json), so every parameter can be found and edited.
QList<JobPreset> loadJobPresets(const QString& dir);

/// `base` when no run folder `runsDir/base` exists, else `base-2`, `base-3`, …: launching a preset
/// twice must start a new run, not continue the old one (the trainer resumes an existing folder).
QString uniqueRunName(const QString& runsDir, const QString& base);

}  // namespace psr::ui
