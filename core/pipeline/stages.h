#pragma once
// The data handed from one stage of the paper's two-stage pipeline to the next. Each struct
// carries the emoji world's ground truth (scenes, exact boxes and masks) next to the text and
// pixels, so the built-in providers are exact; providers that work from text and pixels alone
// (an LLM, a learned detector) ignore it and leave it empty.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "pipeline/subset.h"
#include "world/image.h"
#include "world/renderer.h"
#include "world/scene.h"

namespace psr::pipeline {

/// What every provider call gets: its own seed (recorded in the sample's provenance) and the
/// run's cancellation token (long calls such as HTTP requests should honour it).
struct StageContext {
  std::uint64_t seed = 0;
  CancellationToken cancel;
};

/// Stage 1 input: the subset and the categories of one sample (one prompt noun per subject).
struct GroupPlan {
  Subset subset = Subset::Attribute;
  std::vector<std::string> categories;
  std::optional<world::Scene> scene;  // emoji world: the group scene the categories were drawn from
};

/// A prompt that places one subject alone in a new scene (the reference's scene).
struct SubjectPrompt {
  std::string category;
  std::string prompt;
  std::optional<world::Scene> scene;  // emoji world: the single-subject scene the prompt describes
};

/// Prompt writer output: the group's text-to-image prompt and one scene prompt per subject.
struct GroupPrompts {
  std::string t2iPrompt;
  std::vector<SubjectPrompt> subjects;
};

/// An RGB image as stages pass it on. With ground truth, `truth[i]` is the exact box and mask of
/// `scene->subjects[i]`.
struct SceneImage {
  world::Image image;
  std::optional<world::Scene> scene;
  std::vector<world::RenderedSubject> truth;
};

/// One box a detector found for a category phrase.
struct Detection {
  world::PixelBox box;
  double confidence = 0.0;
  std::vector<std::uint8_t> mask;  // image-sized 0/255 mask of the subject; empty: the whole box
};

/// Stage 1, detector → single-subject generator: one subject cut out of the group image.
struct SubjectCrop {
  std::string category;
  int index = 0;      // the subject's position in the group
  world::Image crop;  // the detected box's pixels
  Detection detection;
  SubjectPrompt prompt;               // where the subject should appear alone
  std::optional<world::Scene> group;  // emoji world: the group scene the crop came from
};

/// Stage 2 input: re-edit a stage-1 image with a task type.
struct EditRequest {
  Subset task = Subset::Attribute;
  std::vector<std::string> categories;
  SceneImage source;
};

/// Stage 2 input: describe the edit as an instruction that names categories, never looks.
struct CaptionRequest {
  Subset task = Subset::Attribute;
  std::vector<std::string> categories;
  const SceneImage* before = nullptr;
  const SceneImage* after = nullptr;
};

/// A subject's pixels cut out by its detection: crop-sized RGB and a crop-sized 0/255 mask.
struct MaskedCrop {
  world::Image pixels;
  std::vector<std::uint8_t> mask;
};

}  // namespace psr::pipeline
