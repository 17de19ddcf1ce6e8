#include "log_panel_sink.h"

#include <QMetaObject>
#include <QString>

#include "log_model.h"

namespace psr::ui {

LogPanelSink::LogPanelSink(LogModel* model) : model_(model) {
  // Time, level and message only: the panel is one logger's view, its name adds nothing.
  set_pattern_("%H:%M:%S.%e  %-8l %v");
}

void LogPanelSink::sink_it_(const spdlog::details::log_msg& message) {
  spdlog::memory_buf_t formatted;
  formatter_->format(message, formatted);
  QString line = QString::fromUtf8(formatted.data(), qsizetype(formatted.size()));
  while (line.endsWith(QLatin1Char('\n')) || line.endsWith(QLatin1Char('\r'))) line.chop(1);
  const int level = int(message.level);
  // Any thread may log; the model lives on the GUI thread. Queued with the model as context, so
  // lines still in flight are dropped with the model instead of touching a deleted object.
  LogModel* model = model_;
  QMetaObject::invokeMethod(
      model, [model, level, line] { model->append(level, line); }, Qt::QueuedConnection);
}

}  // namespace psr::ui
