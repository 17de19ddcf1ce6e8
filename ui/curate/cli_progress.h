#pragma once
#include <optional>

#include <QString>

namespace psr::ui {

/// Units done of a total, as a child process reported them.
struct CliProgress {
  long long done = 0;
  long long total = 0;
};

/// Reads progress from one line of a `psr` child's stderr: `progress 12/100`, any "12/100"
/// or "12 of 100" pair, or a JSON object with "done" and "total". nullopt when the line has
/// none (it is still shown as the latest status).
std::optional<CliProgress> parseCliProgress(const QString& line);

}  // namespace psr::ui
