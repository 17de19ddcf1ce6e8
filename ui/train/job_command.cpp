#include "job_command.h"

#include "curate/cli_job.h"

namespace psr::ui {

void runJobCommand(QObject* owner, const QString& psrPath, const QString& workspace, const QStringList& args,
                   std::function<void(const JobCommandResult&)> done) {
  auto* job = new CliJob(owner);
  job->setPsrPath(psrPath);
  QObject::connect(job, &CliJob::finished, owner, [job, done](int exitCode, bool, const QString& error) {
    if (done) done({exitCode, job->standardOutput(), error});
    job->deleteLater();
  });
  job->startPsr(workspace, args);
}

}  // namespace psr::ui
