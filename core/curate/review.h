#pragma once
#include <optional>
#include <string>

namespace psr::curate {

/// A curator's decision on one sample.
enum class Verdict { Accepted, Rejected };

/// One row of `reviews`.
struct Review {
  Verdict verdict = Verdict::Accepted;
  std::optional<int> reason;  ///< 1..9, rejected samples only
  std::string reviewer;
  std::string reviewedAt;  ///< ISO 8601 UTC, as SQLite wrote it
};

/// "accepted" / "rejected", the values the `reviews.verdict` column holds.
const char* verdictName(Verdict verdict) noexcept;

}  // namespace psr::curate
