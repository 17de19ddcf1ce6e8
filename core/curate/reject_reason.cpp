#include "curate/reject_reason.h"

namespace psr::curate {

const char* rejectReasonLabel(int code) noexcept {
  // Ordered by how often each failure shows up in multi-subject synthesis: the paper's filters
  // target subject loss and identity drift first.
  static constexpr const char* kLabels[kRejectReasonCount] = {
      "subject missing",      "identity drift",   "copy-paste of a reference",
      "wrong category",       "ignores instruction", "artefacts",
      "bad composition",      "duplicate",        "other"};
  return code >= 1 && code <= kRejectReasonCount ? kLabels[code - 1] : nullptr;
}

}  // namespace psr::curate
