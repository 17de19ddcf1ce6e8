#include "world/renderer.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/error.h"
#include "world/backgrounds.h"
#include "world/catalog.h"
#include "world/image_codec.h"

namespace psr::world {
namespace {

// Backgrounds come in a few seeded variants (star fields, grass blades), cached per size.
constexpr std::uint64_t kBackgroundVariants = 4;

int roundi(double v) { return int(std::lround(v)); }

std::string instanceKey(const SubjectInstance& s) {
  std::string key = s.identity + "|" + s.action;
  for (const auto& a : s.accessories) key += "|" + a;
  return key;
}

void drawShadow(Image& canvas, double cx, double cy, double rx, double ry) {
  const int x0 = std::max(0, int(cx - rx)), x1 = std::min(canvas.width - 1, int(cx + rx) + 1);
  const int y0 = std::max(0, int(cy - ry)), y1 = std::min(canvas.height - 1, int(cy + ry) + 1);
  for (int y = y0; y <= y1; ++y) {
    for (int x = x0; x <= x1; ++x) {
      const double dx = (x + 0.5 - cx) / rx, dy = (y + 0.5 - cy) / ry;
      if (dx * dx + dy * dy > 1.0) continue;
      std::uint8_t* p = canvas.at(x, y);
      for (int c = 0; c < 3; ++c) p[c] = std::uint8_t(p[c] * 3 / 5);
    }
  }
}

}  // namespace

SceneRenderer::SceneRenderer(const WorldCatalog& catalog) : catalog_(catalog) {}

const Image& SceneRenderer::instanceSprite(const SubjectInstance& s, int workSize) {
  const std::string file = catalog_.findIdentity(s.identity)->asset.string();
  const Image& src = sprites_.source(file);
  // Compose near the output size (in steps of 8 px) rather than at the artwork's size: a 64 px
  // scene then blends and rotates a few hundred pixels per subject instead of ~40 000.
  const double fit = std::min(1.0, double(workSize) / std::max(src.width, src.height));
  const int bw = std::max(1, roundi(src.width * fit)), bh = std::max(1, roundi(src.height * fit));
  return sprites_.composed(instanceKey(s) + "#" + std::to_string(bw) + "x" + std::to_string(bh), [&] {
    const Image& body = sprites_.scaled(file, src, bw, bh);
    // Accessories may stick out of the artwork (a hat above the head), so compose on a margin.
    const int mx = body.width * 3 / 5, my = body.height * 3 / 5;
    Image canvas(body.width + 2 * mx, body.height + 2 * my, 4);
    auto drawAccessories = [&](bool behind) {
      for (const auto& name : s.accessories) {
        const Accessory* acc = catalog_.findAccessory(name);
        if (acc->spec.behind != behind) continue;
        const Image& art = sprites_.source(acc->asset.string());
        const int w = std::max(1, roundi(acc->spec.width * body.width));
        const int h = std::max(1, roundi(double(art.height) * w / art.width));
        const double ax = mx + acc->spec.anchorX * body.width, ay = my + acc->spec.anchorY * body.height;
        compositeOver(canvas, resizeRgba(art, w, h), roundi(ax - acc->spec.pivotX * w), roundi(ay - acc->spec.pivotY * h));
      }
    };
    drawAccessories(true);
    compositeOver(canvas, body, mx, my);
    drawAccessories(false);
    Image posed = std::move(canvas);
    if (!s.action.empty()) {
      const ActionSpec* action = catalog_.findAction(s.action);
      if (action->mirror) posed = mirrored(posed);
      if (action->rotate != 0.0) posed = rotatedRgba(posed, action->rotate);
    }
    const PixelBox visible = alphaBounds(posed);
    return visible.empty() ? posed : crop(posed, visible);
  });
}

void SceneRenderer::drawSubject(Image& canvas, const SubjectInstance& s, RenderedSubject& truth) {
  const int n = canvas.width;
  const ActionSpec* action = s.action.empty() ? nullptr : catalog_.findAction(s.action);
  const double lift = action ? action->lift : 0.0;
  const double bx = s.box.x * n, by = s.box.y * n, bw = s.box.w * n, bh = s.box.h * n;
  const double room = bh * (1.0 - lift);  // a jumping subject leaves room for its shadow below
  const int workSize = (int(std::ceil(1.25 * std::max(bw, room))) + 7) / 8 * 8;
  const Image& inst = instanceSprite(s, workSize);
  const double scale = std::min(bw / inst.width, room / inst.height);
  const int sw = std::max(1, roundi(inst.width * scale)), sh = std::max(1, roundi(inst.height * scale));
  const Image& sprite = sprites_.scaled(instanceKey(s) + "#" + std::to_string(workSize), inst, sw, sh);
  const int x = roundi(bx + (bw - sw) / 2), y = roundi(by + room - sh);

  auto drawEffect = [&](bool behind) {
    if (!action || !action->effect || action->effect->behind != behind || action->effect->asset.empty()) return;
    const EffectSpec& e = *action->effect;
    const Image& art = sprites_.source(e.asset);
    const int w = std::max(1, roundi(e.width * sw)), h = std::max(1, roundi(double(art.height) * w / art.width));
    compositeOver(canvas, sprites_.scaled(e.asset, art, w, h), roundi(x + e.atX * sw - w / 2.0),
                  roundi(y + e.atY * sh - h / 2.0));
  };
  if (action && action->shadow) drawShadow(canvas, x + sw / 2.0, by + bh - bh * lift / 3, sw * 0.35, std::max(1.0, bh * lift / 4));
  drawEffect(true);
  compositeOver(canvas, sprite, x, y);
  drawEffect(false);

  truth.mask.assign(std::size_t(n) * n, 0);
  truth.box = {n, n, 0, 0};
  truth.area = 0;
  for (int sy = 0; sy < sprite.height; ++sy) {
    const int cy = y + sy;
    if (cy < 0 || cy >= n) continue;
    for (int sx = 0; sx < sprite.width; ++sx) {
      const int cx = x + sx;
      if (cx < 0 || cx >= n || sprite.at(sx, sy)[3] < 128) continue;
      truth.mask[std::size_t(cy) * n + cx] = 255;
      ++truth.area;
      truth.box.x0 = std::min(truth.box.x0, cx);
      truth.box.y0 = std::min(truth.box.y0, cy);
      truth.box.x1 = std::max(truth.box.x1, cx + 1);
      truth.box.y1 = std::max(truth.box.y1, cy + 1);
    }
  }
  if (truth.area == 0) truth.box = {};
}

Rendering SceneRenderer::render(const Scene& scene, std::uint64_t seed, int size) {
  if (size < 8 || size > 4096) throw Error("render size must be 8 to 4096 pixels", ErrorCode::InvalidArgument);
  validateScene(scene, catalog_);
  const std::uint64_t variant = seed % kBackgroundVariants;
  const std::string bgKey = scene.background + "@" + std::to_string(size) + "#" + std::to_string(variant);
  auto bg = backgrounds_.find(bgKey);
  if (bg == backgrounds_.end()) {
    bg = backgrounds_.emplace(bgKey, paintBackground(*catalog_.findBackground(scene.background), size, variant, sprites_)).first;
  }
  Rendering out;
  out.image = bg->second;
  out.subjects.resize(scene.subjects.size());
  std::vector<std::size_t> order(scene.subjects.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return scene.subjects[a].z < scene.subjects[b].z; });
  for (std::size_t i : order) drawSubject(out.image, scene.subjects[i], out.subjects[i]);
  return out;
}

}  // namespace psr::world
