#include "perceive_data/world_batches.h"

#include <algorithm>
#include <cstring>

#include "common/error.h"
#include "perceive/augment.h"
#include "perceive/image_ops.h"
#include "world/scene_sampler.h"

namespace psr::perceive_data {
namespace {

constexpr int kPixelDegradations = 6;  // perceive::Degradation's values

at::Tensor imageTensor(const world::Image& image) {
  auto t = at::empty({image.height, image.width, 3}, at::kByte);
  std::memcpy(t.data_ptr<std::uint8_t>(), image.pixels.data(), image.pixels.size());
  return t.permute({2, 0, 1}).contiguous();
}

at::Tensor toBytes(const at::Tensor& unit) { return (unit * 255.0).round().clamp(0, 255).to(at::kByte); }

bool inside(const world::PixelBox& b, int ox, int oy, int size) {
  return b.x0 >= ox && b.y0 >= oy && b.x1 <= ox + size && b.y1 <= oy + size;
}

// Fraction of the box's width or height that lies outside the window (the larger one).
double cutFraction(const world::PixelBox& b, int ox, int oy, int size) {
  if (b.empty()) return 0.0;
  const double w = b.width(), h = b.height();
  const double outX = std::max(0, ox - b.x0) + std::max(0, b.x1 - (ox + size));
  const double outY = std::max(0, oy - b.y0) + std::max(0, b.y1 - (oy + size));
  return std::max(outX / w, outY / h);
}

}  // namespace

const std::vector<const char*>& degradationNames() {
  static const std::vector<const char*> names = {"blur",      "noise",     "banding", "colour_cast",
                                                 "compression", "artifacts", "overlap", "cut_off"};
  return names;
}

at::Tensor stackImages(const std::vector<world::Image>& images) {
  std::vector<at::Tensor> ts;
  for (const auto& im : images) ts.push_back(imageTensor(im));
  return at::stack(ts, 0);
}

void appendTargets(const world::WorldCatalog& c, const WorldIndex& index, const world::Scene& scene,
                   const world::Rendering& r, std::int64_t imageIndex, std::vector<float>& boxes,
                   std::vector<std::int64_t>& imageIndexOut, std::vector<std::int64_t>& category,
                   std::vector<float>& accessories, std::vector<std::int64_t>& action) {
  const auto A = index.vocabulary.accessories.size();
  for (std::size_t i = 0; i < scene.subjects.size(); ++i) {
    const auto& truth = r.subjects[i];
    if (truth.box.empty()) continue;  // fully covered by another subject
    const auto& s = scene.subjects[i];
    boxes.insert(boxes.end(), {float(truth.box.x0), float(truth.box.y0), float(truth.box.x1), float(truth.box.y1)});
    imageIndexOut.push_back(imageIndex);
    category.push_back(index.categoryOf(c, s.identity));
    std::vector<float> multiHot(A, 0.0f);
    for (const auto& a : s.accessories) multiHot[std::size_t(index.accessory.at(a))] = 1.0f;
    accessories.insert(accessories.end(), multiHot.begin(), multiHot.end());
    action.push_back(s.action.empty() ? 0 : index.action.at(s.action));
  }
}

WorldBatchMaker::WorldBatchMaker(const world::WorldCatalog& catalog, std::optional<world::Split> split,
                                 std::uint64_t seed, int size)
    : catalog_(catalog), split_(split), rng_(seed), size_(size), renderer_(catalog), index_(worldIndex(catalog)) {
  identitiesByCategory_.resize(catalog.categories.size());
  for (std::size_t i = 0; i < catalog.identities.size(); ++i) {
    const auto& id = catalog.identities[i];
    if (!split || id.split == *split) identitiesByCategory_[id.category].push_back(i);
  }
  for (std::size_t c = 0; c < identitiesByCategory_.size(); ++c) {
    if (identitiesByCategory_[c].size() >= 2) multiVendorCategories_.push_back(c);
  }
}

world::Scene WorldBatchMaker::randomScene(int subjects, double accessoryChance, double actionChance) {
  auto scene = world::randomScene(catalog_, rng_, {subjects, split_, accessoryChance, actionChance, true});
  if (subjects >= 2 && rng_.chance(0.15)) {
    // A second instance of the first subject's category (another vendor or the same identity).
    const auto& same = identitiesByCategory_[catalog_.findIdentity(scene.subjects[0].identity)->category];
    scene.subjects[1].identity = catalog_.identities[rng_.pick(same)].name;
  }
  return scene;
}

SceneBatch WorldBatchMaker::scenes(int batch, double actionChance) {
  SceneBatch out;
  std::vector<world::Image> images;
  std::vector<float> boxes, accessories;
  std::vector<std::int64_t> imageIndex, category, action, background;
  for (int b = 0; b < batch; ++b) {
    const double u = rng_.uniform(0, 1);
    const int n = u < 0.2 ? 1 : u < 0.65 ? 2 : u < 0.85 ? 3 : 4;
    auto scene = randomScene(n, 0.35, actionChance);
    const auto r = renderer_.render(scene, rng_.next(), size_);
    appendTargets(catalog_, index_, scene, r, b, boxes, imageIndex, category, accessories, action);
    background.push_back(index_.background.at(scene.background));
    images.push_back(r.image);
    out.scenes.push_back(std::move(scene));
  }
  const auto m = std::int64_t(imageIndex.size());
  const auto A = std::int64_t(index_.vocabulary.accessories.size());
  out.images = stackImages(images);
  out.targets.boxes = at::tensor(boxes).view({m, 4});
  out.targets.imageIndex = at::tensor(imageIndex);
  out.targets.category = at::tensor(category);
  out.targets.accessories = at::tensor(accessories).view({m, A});
  out.targets.action = at::tensor(action);
  out.targets.background = at::tensor(background);
  return out;
}

world::Scene WorldBatchMaker::viewScene(std::size_t identity) {
  auto scene = world::randomScene(catalog_, rng_, {1, split_, 0.3, 0.5, false});
  auto& s = scene.subjects[0];
  s.identity = catalog_.identities[identity].name;
  // Reference images show subjects larger than group scenes do: cover both scales.
  const double side = std::min(0.7, s.box.w * rng_.uniform(0.9, 1.6));
  s.box = {rng_.uniform(0.01, 0.99 - side), rng_.uniform(0.01, 0.99 - side), side, side};
  return scene;
}

ViewBatch WorldBatchMaker::viewsOf(const std::vector<std::size_t>& identities, int views) {
  std::vector<world::Image> images;
  std::vector<float> boxes;
  std::vector<std::int64_t> identity, category;
  for (const auto id : identities) {
    for (int v = 0; v < views; ++v) {
      const auto scene = viewScene(id);
      const auto r = renderer_.render(scene, rng_.next(), size_);
      auto b = r.subjects[0].box;
      // Detector boxes are not exact: jitter each side by up to 8 % of the box.
      const double jx = 0.08 * b.width(), jy = 0.08 * b.height();
      boxes.insert(boxes.end(), {float(b.x0 + rng_.uniform(-jx, jx)), float(b.y0 + rng_.uniform(-jy, jy)),
                                 float(b.x1 + rng_.uniform(-jx, jx)), float(b.y1 + rng_.uniform(-jy, jy))});
      identity.push_back(std::int64_t(id));
      category.push_back(std::int64_t(catalog_.identities[id].category));
      images.push_back(r.image);
    }
  }
  ViewBatch out;
  out.images = stackImages(images);
  out.boxes = at::tensor(boxes).view({-1, 4});
  out.identity = at::tensor(identity);
  out.category = at::tensor(category);
  return out;
}

ViewBatch WorldBatchMaker::views(int categories, int identitiesPerCategory, int views) {
  if (multiVendorCategories_.empty()) {
    throw Error("no category of this split has two identities to contrast", ErrorCode::InvalidArgument);
  }
  std::vector<std::size_t> chosen;
  for (int k = 0; k < categories; ++k) {
    auto ids = identitiesByCategory_[rng_.pick(multiVendorCategories_)];
    for (int i = 0; i < identitiesPerCategory && !ids.empty(); ++i) {
      const auto j = rng_.below(ids.size());
      chosen.push_back(ids[j]);
      ids.erase(ids.begin() + std::ptrdiff_t(j));
    }
  }
  return viewsOf(chosen, views);
}

PairBatch WorldBatchMaker::pairs(int batch) {
  PairBatch out;
  std::vector<at::Tensor> better, worse;
  const int big = size_ * 5 / 4;
  for (int b = 0; b < batch; ++b) {
    auto scene = randomScene(2 + int(rng_.below(2)), 0.3, 0.3);
    int kind = int(rng_.below(degradationNames().size()));
    if (kind == 7) {
      // Cut-off: render larger and take two windows of the output size, one holding every
      // subject, one cutting a subject by 30 % or more; no resampling, so only framing differs.
      const auto r = renderer_.render(scene, rng_.next(), big);
      int cleanX = -1, cleanY = -1, cutX = -1, cutY = -1;
      double bestCut = 0.3;
      for (int oy = 0; oy <= big - size_; oy += 2) {
        for (int ox = 0; ox <= big - size_; ox += 2) {
          bool all = true;
          for (const auto& s : r.subjects) {
            all = all && inside(s.box, ox, oy, size_);
            const double cut = cutFraction(s.box, ox, oy, size_);
            if (cut > bestCut) bestCut = cut, cutX = ox, cutY = oy;
          }
          if (all && cleanX < 0) cleanX = ox, cleanY = oy;
        }
      }
      if (cleanX >= 0 && cutX >= 0) {
        const auto full = imageTensor(r.image);
        better.push_back(full.slice(1, cleanY, cleanY + size_).slice(2, cleanX, cleanX + size_));
        worse.push_back(full.slice(1, cutY, cutY + size_).slice(2, cutX, cutX + size_));
        out.kind.push_back(kind);
        continue;
      }
      kind = int(rng_.below(kPixelDegradations));
    }
    const auto r = renderer_.render(scene, rng_.next(), size_);
    const auto clean = imageTensor(r.image);
    if (kind == 6) {
      // Overlap: the second subject pushed onto the first.
      auto crowded = scene;
      crowded.relations.clear();
      const auto& a = crowded.subjects[0].box;
      auto& s = crowded.subjects[1].box;
      const double cx = a.centreX() + rng_.uniform(-0.12, 0.12) * a.w, cy = a.centreY() + rng_.uniform(-0.12, 0.12) * a.h;
      s.x = std::clamp(cx - s.w / 2, 0.0, 1.0 - s.w);
      s.y = std::clamp(cy - s.h / 2, 0.0, 1.0 - s.h);
      crowded.subjects[1].z = crowded.subjects[0].z + 10;
      better.push_back(clean);
      worse.push_back(imageTensor(renderer_.render(crowded, rng_.next(), size_).image));
    } else {
      const auto unit = clean.unsqueeze(0).to(at::kFloat) / 255.0;
      better.push_back(clean);
      worse.push_back(toBytes(perceive::degrade(unit, perceive::Degradation(kind)))[0]);
    }
    out.kind.push_back(kind);
  }
  out.better = at::stack(better, 0);
  out.worse = at::stack(worse, 0);
  return out;
}

}  // namespace psr::perceive_data
