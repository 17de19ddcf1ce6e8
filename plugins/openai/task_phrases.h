#pragma once
// What each of the pipeline's task types means, in words a chat model is given.
#include <string>
#include <vector>

#include "pipeline/subset.h"

namespace psr::openai {

/// One sentence describing the stage-2 edit of `task` (pipeline/scene_edits.h), e.g. for
/// Background: "the background is replaced by another one".
std::string taskPhrase(pipeline::Subset task);

/// "crab, dog and owl"
std::string listedCategories(const std::vector<std::string>& categories);

}  // namespace psr::openai
