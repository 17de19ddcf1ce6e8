#include "common/logging.h"

#include <mutex>

#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace psr {
namespace {

struct LoggerState {
  std::shared_ptr<spdlog::sinks::dist_sink_mt> dist = std::make_shared<spdlog::sinks::dist_sink_mt>();
  std::shared_ptr<spdlog::sinks::stderr_color_sink_mt> console =
      std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  std::shared_ptr<spdlog::logger> log;

  LoggerState() {
    console->set_level(spdlog::level::info);
    dist->add_sink(console);
    log = std::make_shared<spdlog::logger>("psr", dist);
    log->set_level(spdlog::level::debug);
    log->flush_on(spdlog::level::warn);
  }
};

LoggerState& state() {
  static LoggerState s;
  return s;
}

}  // namespace

std::shared_ptr<spdlog::logger> logger() { return state().log; }

void addLogSink(const spdlog::sink_ptr& sink) { state().dist->add_sink(sink); }

void removeLogSink(const spdlog::sink_ptr& sink) { state().dist->remove_sink(sink); }

spdlog::sink_ptr addFileLog(const std::filesystem::path& dir, const std::string& name) {
  auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
      (dir / (name + ".log")).string(), 5 * 1024 * 1024, 5);
  file->set_level(spdlog::level::debug);
  addLogSink(file);
  return file;
}

void setConsoleLogLevel(spdlog::level::level_enum level) { state().console->set_level(level); }

}  // namespace psr
