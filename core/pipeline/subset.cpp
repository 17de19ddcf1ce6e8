#include "pipeline/subset.h"

#include "common/error.h"

namespace psr::pipeline {
namespace {

constexpr const char* kNames[] = {"attribute", "action", "background", "position", "complex", "three", "four"};
constexpr const char* kTitles[] = {"Attribute", "Action", "Background", "Position", "Complex", "Three", "Four"};

}  // namespace

const char* subsetName(Subset subset) { return kNames[int(subset)]; }

const char* subsetTitle(Subset subset) { return kTitles[int(subset)]; }

int subsetSubjects(Subset subset) {
  switch (subset) {
    case Subset::Three:
      return 3;
    case Subset::Four:
      return 4;
    default:
      return 2;
  }
}

Subset parseSubset(std::string_view name) {
  for (Subset s : kAllSubsets) {
    if (name == kNames[int(s)]) return s;
  }
  throw Error("unknown subset '" + std::string(name) +
                  "'; choose attribute, action, background, position, complex, three or four",
              ErrorCode::InvalidArgument);
}

}  // namespace psr::pipeline
