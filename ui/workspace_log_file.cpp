#include "workspace_log_file.h"

#include "common/logging.h"

namespace psr::ui {

WorkspaceLogFile::WorkspaceLogFile(const std::filesystem::path& logsDir)
    : file_(logsDir / "studio.log"), sink_(psr::addFileLog(logsDir, "studio")) {}

WorkspaceLogFile::~WorkspaceLogFile() {
  sink_->flush();
  psr::removeLogSink(sink_);
}

}  // namespace psr::ui
