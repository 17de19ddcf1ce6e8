#pragma once
#include <stdexcept>
#include <string>

namespace psr {

/// What went wrong, so that the CLI and the studio can choose exit codes and wording.
enum class ErrorCode {
  Generic,
  InvalidArgument,
  NotFound,
  NotAWorkspace,
  NewerSchema,
  Corrupt,
  ReadOnly,
  Io,
  Cancelled,
};

/// The one exception type core throws; the message carries the context a user needs to act.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, ErrorCode code = ErrorCode::Generic)
      : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

/// Short stable name of an error code ("not_a_workspace"), used in JSON output.
const char* errorCodeName(ErrorCode code) noexcept;

}  // namespace psr
