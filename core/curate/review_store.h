#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "curate/review.h"

namespace psr::store {
class Database;
}

namespace psr::curate {

/** Write side of curation: one `reviews` row per sample; every change returns what it replaced,
 *  so callers can undo by restoring it. */
class ReviewStore {
 public:
  explicit ReviewStore(psr::store::Database& db) : db_(db) {}

  /// The sample's review, if any. Throws psr::Error.
  std::optional<Review> review(std::int64_t sampleId);
  /// Records a verdict (a reason 1..9 only with Rejected) and returns the previous review.
  /// Throws psr::Error(InvalidArgument) for a bad reason, NotFound for an unknown sample.
  std::optional<Review> setReview(std::int64_t sampleId, Verdict verdict, std::optional<int> reason,
                                  const std::string& reviewer);
  /// Removes the review and returns it.
  std::optional<Review> clearReview(std::int64_t sampleId);
  /// Puts back a state that setReview/clearReview returned (nullopt clears), time stamp included.
  void restore(std::int64_t sampleId, const std::optional<Review>& previous);

 private:
  void write(std::int64_t sampleId, const Review& review, bool keepTime);

  psr::store::Database& db_;
};

}  // namespace psr::curate
