#pragma once
#include <functional>

#include <QStringList>

class QObject;

namespace psr::ui {

/// What a finished `psr` command left: exit code (-1 when it crashed or did not start), stdout,
/// and a message for the user when it failed.
struct JobCommandResult {
  int exitCode = 0;
  QString output;
  QString error;
  bool ok() const { return exitCode == 0; }
};

/// Runs `psr -w workspace args…` as a child process (a CliJob owned by `owner`, deleted when it
/// ends) and calls `done` on the GUI thread with the result.
void runJobCommand(QObject* owner, const QString& psrPath, const QString& workspace, const QStringList& args,
                   std::function<void(const JobCommandResult&)> done);

}  // namespace psr::ui
