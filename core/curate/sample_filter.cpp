#include "curate/sample_filter.h"

namespace psr::curate {

bool SampleFilter::operator==(const SampleFilter& o) const {
  return subsets == o.subsets && split == o.split && minConsistency == o.minConsistency &&
         maxConsistency == o.maxConsistency && review == o.review && reason == o.reason && text == o.text &&
         sort == o.sort && descending == o.descending;
}

}  // namespace psr::curate
