#pragma once
#include <filesystem>
#include <memory>

#include <spdlog/logger.h>
#include <spdlog/sinks/sink.h>

namespace psr {

/// The process-wide logger ("psr"); writes to stderr until more sinks are attached.
std::shared_ptr<spdlog::logger> logger();

/// Attaches a sink (the studio's log panel, a workspace log file) to the process logger.
void addLogSink(const spdlog::sink_ptr& sink);
void removeLogSink(const spdlog::sink_ptr& sink);

/// Also logs to `dir/<name>.log` (rotating, 5 x 5 MB); the folder must exist. Returns the sink so
/// that a caller switching workspaces can detach it with removeLogSink.
spdlog::sink_ptr addFileLog(const std::filesystem::path& dir, const std::string& name);

/// Silences the stderr sink (used by `--json` output and the studio, which shows its own panel).
void setConsoleLogLevel(spdlog::level::level_enum level);

}  // namespace psr
