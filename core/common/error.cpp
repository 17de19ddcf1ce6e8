#include "common/error.h"

namespace psr {

const char* errorCodeName(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::Generic: return "error";
    case ErrorCode::InvalidArgument: return "invalid_argument";
    case ErrorCode::NotFound: return "not_found";
    case ErrorCode::NotAWorkspace: return "not_a_workspace";
    case ErrorCode::NewerSchema: return "newer_schema";
    case ErrorCode::Corrupt: return "corrupt";
    case ErrorCode::ReadOnly: return "read_only";
    case ErrorCode::Io: return "io";
    case ErrorCode::Cancelled: return "cancelled";
  }
  return "error";
}

}  // namespace psr
