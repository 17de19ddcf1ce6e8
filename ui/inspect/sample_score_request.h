#pragma once
#include "score_request.h"

namespace psr::curate {
struct SampleCard;
}
namespace psr::store {
class BlobStore;
}

namespace psr::ui {

/// The score request of a curated triplet: its reference and target blobs as files of `blobs`,
/// the reference categories, the instruction and the sample's subset.
ScoreRequest scoreRequestForSample(const psr::curate::SampleCard& card, const psr::store::BlobStore& blobs);

}  // namespace psr::ui
