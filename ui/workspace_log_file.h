#pragma once
#include <filesystem>

#include <spdlog/common.h>

namespace psr::ui {

/** Copies the process log into the open workspace's logs/studio.log while that workspace is open. */
class WorkspaceLogFile {
 public:
  /// Attaches a rotating file sink in `logsDir` (which must exist). Throws spdlog_ex on I/O errors.
  explicit WorkspaceLogFile(const std::filesystem::path& logsDir);
  ~WorkspaceLogFile();
  WorkspaceLogFile(const WorkspaceLogFile&) = delete;
  WorkspaceLogFile& operator=(const WorkspaceLogFile&) = delete;

  std::filesystem::path file() const { return file_; }

 private:
  std::filesystem::path file_;
  spdlog::sink_ptr sink_;
};

}  // namespace psr::ui
