#pragma once
#include <optional>
#include <string>
#include <vector>

namespace psr::curate {

/// Which samples a filter keeps by their review.
enum class ReviewState { Any, Unreviewed, Accepted, Rejected };

/// Column the gallery is ordered by; the sample id always breaks ties so paging is stable.
enum class SortKey { Id, Consistency, Subset };

/// What the Curate gallery shows: every field left at its default keeps all samples.
struct SampleFilter {
  std::vector<std::string> subsets;  ///< empty: every subset
  std::string split;                 ///< "train", "heldout" or empty for both
  /// Bounds on `samples.consistency` (inclusive); a set bound drops samples without a score.
  std::optional<double> minConsistency;
  std::optional<double> maxConsistency;
  ReviewState review = ReviewState::Any;
  /// A reject reason 1..9; keeps rejected samples with that reason only.
  std::optional<int> reason;
  /// Case-insensitive substring of the instruction or of a reference's category.
  std::string text;
  SortKey sort = SortKey::Id;
  bool descending = false;

  bool operator==(const SampleFilter& other) const;
  bool operator!=(const SampleFilter& other) const { return !(*this == other); }
};

}  // namespace psr::curate
