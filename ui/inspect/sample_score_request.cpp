#include "sample_score_request.h"

#include "curate/sample_card.h"
#include "path_conversion.h"
#include "store/blob_store.h"

namespace psr::ui {

ScoreRequest scoreRequestForSample(const psr::curate::SampleCard& card, const psr::store::BlobStore& blobs) {
  ScoreRequest r;
  for (const auto& ref : card.references) {
    r.references << toQString(blobs.pathOf(ref.blob));
    r.categories << QString::fromStdString(ref.category);
  }
  if (!card.targetBlob.empty()) r.image = toQString(blobs.pathOf(card.targetBlob));
  r.prompt = QString::fromStdString(card.instruction);
  r.subset = QString::fromStdString(card.subset);
  return r;
}

}  // namespace psr::ui
