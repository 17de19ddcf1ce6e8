#include "pipeline/scene_edits.h"

#include <algorithm>
#include <set>

#include "common/error.h"
#include "world/catalog.h"
#include "world/scene_sampler.h"

namespace psr::pipeline {
namespace {

using world::Box;
using world::RelationKind;

std::string otherBackground(const world::WorldCatalog& c, const std::string& current, world::Rng& rng) {
  std::vector<std::string> names;
  for (const auto& b : c.backgrounds) {
    if (b.name != current) names.push_back(b.name);
  }
  if (names.empty()) throw Error("the edit needs a second background; the catalog has one", ErrorCode::InvalidArgument);
  return rng.pick(names);
}

/// `n` distinct names out of `pool`, in random order.
std::vector<std::string> distinct(std::vector<std::string> pool, std::size_t n, world::Rng& rng, const char* what) {
  if (pool.size() < n) {
    throw Error("the edit needs " + std::to_string(n) + " distinct " + what + "; the catalog has " +
                    std::to_string(pool.size()),
                ErrorCode::InvalidArgument);
  }
  std::vector<std::string> out;
  while (out.size() < n) {
    const std::size_t i = rng.below(pool.size());
    out.push_back(pool[i]);
    pool.erase(pool.begin() + std::ptrdiff_t(i));
  }
  return out;
}

std::vector<std::string> accessoryNames(const world::WorldCatalog& c) {
  std::vector<std::string> out;
  for (const auto& a : c.accessories) out.push_back(a.spec.name);
  return out;
}

std::vector<std::string> actionNames(const world::WorldCatalog& c) {
  std::vector<std::string> out;
  for (const auto& a : c.actions) out.push_back(a.name);
  return out;
}

/// Moves subjects 1 and 2 (keeping their sizes) so that `kind` holds by the PSRBench rule with
/// boxes that do not overlap: side by side on one ground line, or one high and one low.
void placePair(world::Scene& scene, RelationKind kind, world::Rng& rng) {
  Box& a = scene.subjects[0].box;
  Box& b = scene.subjects[1].box;
  const double sa = a.w, sb = b.w;
  if (kind == RelationKind::Above || kind == RelationKind::Below) {
    Box& upper = kind == RelationKind::Above ? a : b;
    Box& lower = kind == RelationKind::Above ? b : a;
    upper = {rng.uniform(0.05, 0.95 - upper.w), rng.uniform(0.01, 0.04), upper.w, upper.h};
    lower = {rng.uniform(0.05, 0.95 - lower.w), 0.99 - lower.h, lower.w, lower.h};
    return;
  }
  const bool aLeft = kind == RelationKind::LeftOf || (kind == RelationKind::NextTo && rng.chance(0.5));
  const double ground = rng.uniform(0.85, 0.97);
  auto leftBox = [&](double s) { return Box{rng.uniform(0.01, 0.5 - s), ground - s, s, s}; };
  auto rightBox = [&](double s) { return Box{rng.uniform(0.5, 0.99 - s), ground - s, s, s}; };
  a = aLeft ? leftBox(sa) : rightBox(sa);
  b = aLeft ? rightBox(sb) : leftBox(sb);
}

void changeRelation(world::Scene& scene, world::Rng& rng) {
  const RelationKind current = scene.relations.empty() ? RelationKind::NextTo : scene.relations[0].kind;
  std::vector<RelationKind> kinds;
  for (int k = 0; k < 5; ++k) {
    if (RelationKind(k) != current) kinds.push_back(RelationKind(k));
  }
  const RelationKind kind = rng.pick(kinds);
  scene.relations = {{0, 1, kind}};
  placePair(scene, kind, rng);
}

}  // namespace

world::Scene planGroupScene(Subset subset, world::Split split, const world::WorldCatalog& catalog, world::Rng& rng) {
  world::SceneRequest request;
  request.subjects = subsetSubjects(subset);
  request.split = split;
  request.accessoryChance = 0.0;
  request.actionChance = 0.0;
  request.relation = true;
  return world::randomScene(catalog, rng, request);
}

world::Scene applyEdit(const world::Scene& source, Subset task, const world::WorldCatalog& c, world::Rng& rng) {
  world::Scene out = source;
  const std::size_t n = out.subjects.size();
  switch (task) {
    case Subset::Attribute: {
      const auto picks = distinct(accessoryNames(c), n, rng, "accessories");
      for (std::size_t i = 0; i < n; ++i) out.subjects[i].accessories = {picks[i]};
      break;
    }
    case Subset::Action: {
      const auto picks = distinct(actionNames(c), n, rng, "actions");
      for (std::size_t i = 0; i < n; ++i) out.subjects[i].action = picks[i];
      break;
    }
    case Subset::Background:
      out.background = otherBackground(c, out.background, rng);
      break;
    case Subset::Position:
      changeRelation(out, rng);
      break;
    case Subset::Complex: {
      out.background = otherBackground(c, out.background, rng);
      const auto accessories = distinct(accessoryNames(c), n, rng, "accessories");
      const auto actions = distinct(actionNames(c), n, rng, "actions");
      for (std::size_t i = 0; i < n; ++i) {
        if (rng.chance(0.5)) {
          out.subjects[i].accessories = {accessories[i]};
        } else {
          out.subjects[i].action = actions[i];
        }
      }
      changeRelation(out, rng);
      break;
    }
    case Subset::Three:
    case Subset::Four:
      out.background = otherBackground(c, out.background, rng);
      break;
  }
  return out;
}

void checkCatalogServes(Subset subset, world::Split split, const world::WorldCatalog& c) {
  const std::size_t n = std::size_t(subsetSubjects(subset));
  std::set<std::size_t> categories;
  for (const auto& id : c.identities) {
    if (id.split == split) categories.insert(id.category);
  }
  const std::string splitText = world::splitName(split);
  if (categories.empty()) {
    throw Error("the world catalog has no " + splitText + " identities, so no " + splitText +
                    " samples can be made; use the other split or re-import the world",
                ErrorCode::InvalidArgument);
  }
  if (categories.size() < n) {
    throw Error(std::string("subset ") + subsetName(subset) + " needs " + std::to_string(n) + " categories of the " +
                    splitText + " split; the catalog has " + std::to_string(categories.size()),
                ErrorCode::InvalidArgument);
  }
  const bool needsAccessories = subset == Subset::Attribute || subset == Subset::Complex;
  const bool needsActions = subset == Subset::Action || subset == Subset::Complex;
  if (needsAccessories && c.accessories.size() < n) {
    throw Error(std::string("subset ") + subsetName(subset) + " needs " + std::to_string(n) +
                    " distinct accessories; the catalog has " + std::to_string(c.accessories.size()),
                ErrorCode::InvalidArgument);
  }
  if (needsActions && c.actions.size() < n) {
    throw Error(std::string("subset ") + subsetName(subset) + " needs " + std::to_string(n) +
                    " distinct actions; the catalog has " + std::to_string(c.actions.size()),
                ErrorCode::InvalidArgument);
  }
  if (c.backgrounds.size() < 2) {
    throw Error("the pipeline needs at least two backgrounds (references and edits change them)",
                ErrorCode::InvalidArgument);
  }
}

}  // namespace psr::pipeline
