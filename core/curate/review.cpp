#include "curate/review.h"

namespace psr::curate {

const char* verdictName(Verdict verdict) noexcept {
  return verdict == Verdict::Accepted ? "accepted" : "rejected";
}

}  // namespace psr::curate
