#include "common/cancel.h"

#include "common/error.h"

namespace psr {

void CancellationToken::throwIfCancelled() const {
  if (isCancelled()) throw Error("operation cancelled", ErrorCode::Cancelled);
}

}  // namespace psr
