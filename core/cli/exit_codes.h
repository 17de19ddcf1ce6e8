#pragma once
#include "common/error.h"

namespace psr::cli {

/// Documented exit codes of `psr` (README, "Command line").
enum ExitCode : int {
  kExitOk = 0,
  kExitError = 1,
  kExitUsage = 2,
  kExitNotFound = 3,
  kExitNotAWorkspace = 4,
  kExitNewerSchema = 5,
  kExitCorrupt = 6,
  kExitReadOnly = 7,
  kExitCancelled = 130,
};

inline int exitCodeFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument: return kExitUsage;
    case ErrorCode::NotFound: return kExitNotFound;
    case ErrorCode::NotAWorkspace: return kExitNotAWorkspace;
    case ErrorCode::NewerSchema: return kExitNewerSchema;
    case ErrorCode::Corrupt: return kExitCorrupt;
    case ErrorCode::ReadOnly: return kExitReadOnly;
    case ErrorCode::Cancelled: return kExitCancelled;
    default: return kExitError;
  }
}

}  // namespace psr::cli
