#include "pipeline/providers.h"

#include "common/error.h"

namespace psr::pipeline {

void ProviderSet::requireComplete() const {
  const std::pair<const void*, const char*> roles[] = {{promptWriter.get(), "prompt writer"},
                                                       {t2i.get(), "text-to-image generator"},
                                                       {detector.get(), "detector"},
                                                       {singleSubject.get(), "single-subject generator"},
                                                       {editor.get(), "editor"},
                                                       {captioner.get(), "captioner"},
                                                       {scorer.get(), "consistency scorer"}};
  for (const auto& [provider, role] : roles) {
    if (!provider) throw Error(std::string("the provider set has no ") + role, ErrorCode::InvalidArgument);
  }
}

}  // namespace psr::pipeline
