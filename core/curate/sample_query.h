#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "curate/sample_card.h"
#include "curate/sample_filter.h"

namespace psr::store {
class Database;
}

namespace psr::curate {

/** Read side of curation: filtered counts, ordered id pages and card data over `samples`. */
class SampleQuery {
 public:
  explicit SampleQuery(psr::store::Database& db) : db_(db) {}

  /// Samples the filter keeps. Throws psr::Error.
  std::int64_t count(const SampleFilter& filter);
  /// Ids of rows [offset, offset + limit) in the filter's order. Throws psr::Error.
  std::vector<std::int64_t> fetchIds(const SampleFilter& filter, std::int64_t offset, std::int64_t limit);
  /// Cards of `ids`, in the order given; ids that no longer exist are left out. Throws psr::Error.
  std::vector<SampleCard> fetchCards(const std::vector<std::int64_t>& ids);
  /// Distinct subsets present, sorted.
  std::vector<std::string> subsets();
  /// Changes whenever samples are added or removed (count and largest id), so a caller can
  /// tell a cheap poll from a needed reload.
  std::string samplesFingerprint();

 private:
  psr::store::Database& db_;
};

}  // namespace psr::curate
