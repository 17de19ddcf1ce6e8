#include "world/scene_sampler.h"

#include <algorithm>
#include <set>

#include "common/error.h"
#include "world/catalog.h"

namespace psr::world {
namespace {

double sideOf(SubjectSize size, Rng& rng) {
  return size == SubjectSize::Large ? rng.uniform(0.40, 0.48) : rng.uniform(0.26, 0.34);
}

std::string pickAction(const WorldCatalog& c, Rng& rng, const std::string& avoid) {
  std::vector<std::string> names{""};
  for (const auto& a : c.actions) names.push_back(a.name);
  names.erase(std::remove(names.begin(), names.end(), avoid), names.end());
  return rng.pick(names);
}

// Subjects 1 and 2 on either side of the relation's axis; others fill the remaining quadrants.
void placeBoxes(Scene& scene, Rng& rng) {
  const std::size_t n = scene.subjects.size();
  auto side = [&](std::size_t i) { return sideOf(scene.subjects[i].size, rng); };
  if (n == 1) {
    const double s = side(0);
    scene.subjects[0].box = {rng.uniform(0.02, 0.98 - s), rng.uniform(0.02, 0.98 - s), s, s};
    return;
  }
  if (n == 2) {
    const RelationKind kind = scene.relations.empty() ? RelationKind::NextTo : scene.relations[0].kind;
    const double s0 = side(0), s1 = side(1);
    Box a, b;
    if (kind == RelationKind::Above || kind == RelationKind::Below) {
      const double topS = kind == RelationKind::Above ? s0 : s1, bottomS = kind == RelationKind::Above ? s1 : s0;
      const Box upper{rng.uniform(0.05, 0.95 - topS), rng.uniform(0.01, 0.04), topS, topS};
      const Box lower{rng.uniform(0.05, 0.95 - bottomS), 0.99 - bottomS, bottomS, bottomS};
      a = kind == RelationKind::Above ? upper : lower;
      b = kind == RelationKind::Above ? lower : upper;
    } else {
      const double ground = rng.uniform(0.85, 0.97);
      const Box left{rng.uniform(0.01, 0.5 - s0), ground - s0, s0, s0};
      const Box right{rng.uniform(0.5, 0.99 - s1), ground - s1, s1, s1};
      const bool aLeft = kind != RelationKind::RightOf;
      a = aLeft ? left : Box{rng.uniform(0.5, 0.99 - s0), ground - s0, s0, s0};
      b = aLeft ? right : Box{rng.uniform(0.01, 0.5 - s1), ground - s1, s1, s1};
    }
    scene.subjects[0].box = a;
    scene.subjects[1].box = b;
    return;
  }
  std::vector<int> quadrants{0, 1, 2, 3};
  for (std::size_t i = 0; i < n; ++i) {
    const int q = quadrants[i];
    const double s = std::min(side(i), 0.46);
    const double qx = (q % 2) * 0.5, qy = (q / 2) * 0.5;
    scene.subjects[i].box = {qx + rng.uniform(0.01, 0.49 - s), qy + rng.uniform(0.01, 0.49 - s), s, s};
  }
}

}  // namespace

Scene randomScene(const WorldCatalog& c, Rng& rng, const SceneRequest& req) {
  if (req.subjects < 1 || req.subjects > 4) throw Error("a scene has 1 to 4 subjects", ErrorCode::InvalidArgument);
  std::vector<std::size_t> pool;
  for (std::size_t i = 0; i < c.identities.size(); ++i) {
    if (!req.split || c.identities[i].split == *req.split) pool.push_back(i);
  }
  Scene scene;
  scene.background = c.backgrounds.at(rng.below(c.backgrounds.size())).name;
  std::set<std::size_t> categories;
  for (int attempt = 0; int(scene.subjects.size()) < req.subjects && attempt < 1000; ++attempt) {
    if (pool.empty()) break;
    const Identity& id = c.identities[pool[rng.below(pool.size())]];
    if (!categories.insert(id.category).second) continue;
    SubjectInstance s;
    s.identity = id.name;
    s.size = rng.chance(0.5) ? SubjectSize::Large : SubjectSize::Small;
    if (rng.chance(req.actionChance)) s.action = pickAction(c, rng, "");
    if (!c.accessories.empty() && rng.chance(req.accessoryChance)) s.accessories.push_back(rng.pick(c.accessories).spec.name);
    s.z = int(scene.subjects.size());
    scene.subjects.push_back(std::move(s));
  }
  if (int(scene.subjects.size()) < req.subjects) {
    throw Error("the catalog has too few categories for a scene of " + std::to_string(req.subjects) + " subjects",
                ErrorCode::InvalidArgument);
  }
  if (req.relation && req.subjects == 2) scene.relations.push_back({0, 1, RelationKind(rng.below(5))});
  placeBoxes(scene, rng);
  if (req.relation && req.subjects > 2) {
    // Quadrants 0 and 1 share a row: subject 1 is left of subject 2.
    scene.relations.push_back({0, 1, RelationKind::LeftOf});
  }
  return scene;
}

Scene makeReferenceScene(const Scene& target, int index, const WorldCatalog& c, Rng& rng) {
  const SubjectInstance& from = target.subjects.at(std::size_t(index));
  std::vector<std::string> backgrounds;
  for (const auto& b : c.backgrounds) {
    if (b.name != target.background) backgrounds.push_back(b.name);
  }
  Scene ref;
  ref.background = backgrounds.empty() ? target.background : rng.pick(backgrounds);
  SubjectInstance s;
  s.identity = from.identity;
  s.action = pickAction(c, rng, from.action);
  s.size = from.size == SubjectSize::Large ? SubjectSize::Small : SubjectSize::Large;
  const double side = sideOf(s.size, rng) * 1.4;  // alone in the frame, so larger than in a group
  // The centre goes to the other half of the canvas from the target's.
  const bool targetLeft = from.box.centreX() < 0.5;
  const double half = side / 2;
  const double cx = targetLeft ? rng.uniform(0.51, 0.99 - half) : rng.uniform(0.01 + half, 0.49);
  s.box = {cx - half, rng.uniform(0.01, 0.99 - side), side, side};
  ref.subjects.push_back(std::move(s));
  return ref;
}

}  // namespace psr::world
