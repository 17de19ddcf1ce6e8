#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "world/image.h"
#include "world/scene.h"
#include "world/sprite_cache.h"

namespace psr::world {

struct WorldCatalog;

/// Ground truth of one rendered subject: its visible pixels (subject and worn accessories,
/// not effects or shadows, not reduced by subjects drawn over it) as a size x size 0/255 mask
/// and that mask's exact bounding box.
struct RenderedSubject {
  PixelBox box;
  std::vector<std::uint8_t> mask;
  long long area = 0;
};

/// An RGB image and the ground truth of each subject, in scene order.
struct Rendering {
  Image image;
  std::vector<RenderedSubject> subjects;
};

/// Composites scenes from the catalog's artwork. Deterministic: the same scene, seed and size
/// give the same bytes. Sprites are pre-composed and pre-scaled once per size and reused, so
/// rendering is a few alpha blends per subject. Not thread-safe: use one renderer per thread.
class SceneRenderer {
 public:
  explicit SceneRenderer(const WorldCatalog& catalog);

  /// Validates and renders a scene at size x size pixels; throws InvalidArgument for a bad scene.
  Rendering render(const Scene& scene, std::uint64_t seed, int size = 64);

 private:
  const Image& instanceSprite(const SubjectInstance& subject, int workSize);
  void drawSubject(Image& canvas, const SubjectInstance& subject, RenderedSubject& truth);

  const WorldCatalog& catalog_;
  SpriteCache sprites_;
  std::map<std::string, Image> backgrounds_;
};

}  // namespace psr::world
