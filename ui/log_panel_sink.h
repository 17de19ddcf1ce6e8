#pragma once
#include <mutex>

#include <spdlog/sinks/base_sink.h>

namespace psr::ui {

class LogModel;

/** spdlog sink that hands each formatted line to a LogModel on the GUI thread (queued). */
class LogPanelSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  /// `model` must outlive the sink's attachment to the logger (detach before deleting it).
  explicit LogPanelSink(LogModel* model);

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override;
  void flush_() override {}

 private:
  LogModel* model_;
};

}  // namespace psr::ui
