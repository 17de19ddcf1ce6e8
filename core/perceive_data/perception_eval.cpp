#include "perceive_data/perception_eval.h"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "perceive/augment.h"
#include "perceive/image_ops.h"
#include "perceive/semantic_scorer.h"
#include "perceive_data/world_batches.h"
#include "world/prompts.h"
#include "world/scene_sampler.h"

namespace psr::perceive_data {
namespace {

using nlohmann::json;
using namespace psr::perceive;

json target(const std::string& name, double value, double goal) {
  return {{"name", name}, {"value", value}, {"target", goal}, {"pass", value >= goal}};
}

/// AP50 of the detector on one set of images (queries: each present category and one absent).
double detectorAp(PerceptionModels& m, const SceneBatch& batch, const at::Tensor& unitImages, world::Rng& rng) {
  std::vector<DetectionQuery> queries;
  const auto& t = batch.targets;
  const auto C = m.detector->options.categories();
  for (std::int64_t b = 0; b < unitImages.size(0); ++b) {
    std::set<std::int64_t> present;
    for (std::int64_t i = 0; i < t.imageIndex.size(0); ++i) {
      if (t.imageIndex[i].item<std::int64_t>() == b) present.insert(t.category[i].item<std::int64_t>());
    }
    for (const auto c : present) queries.push_back({b, c});
    std::int64_t absent = std::int64_t(rng.below(std::size_t(C)));
    while (present.count(absent)) absent = std::int64_t(rng.below(std::size_t(C)));
    queries.push_back({b, absent});
  }
  const auto dets = [&] {
    c10::InferenceMode guard;
    return detectAll(*m.detector, unitImages, queries);
  }();
  std::vector<std::pair<double, bool>> scored;
  std::size_t groundTruth = std::size_t(t.imageIndex.size(0));
  for (std::size_t q = 0; q < queries.size(); ++q) {
    const auto mine = (t.imageIndex == queries[q].image).logical_and(t.category == queries[q].category).nonzero().flatten();
    const auto gt = t.boxes.index_select(0, mine);
    std::vector<bool> used(std::size_t(gt.size(0)), false);
    for (const auto& d : dets[q]) {
      bool tp = false;
      if (gt.size(0) > 0) {
        const auto iou = boxIou(at::tensor({d.x0, d.y0, d.x1, d.y1}).view({1, 4}), gt)[0];
        const auto best = iou.argmax().item<std::int64_t>();
        if (iou[best].item<double>() >= 0.5 && !used[std::size_t(best)]) tp = used[std::size_t(best)] = true;
      }
      scored.emplace_back(d.confidence, tp);
    }
  }
  return averagePrecision(scored, groundTruth);
}

/// The crop classifier alone, on the ground-truth boxes: category and action accuracy and the
/// action confusion (rows: true action, columns: predicted), to tell a locator miss from a
/// misread subject.
json classifierOnTrueBoxes(PerceptionModels& m, const SceneBatch& batch, const at::Tensor& unitImages) {
  const auto& t = batch.targets;
  SubjectClassification out;
  {
    c10::InferenceMode guard;
    out = m.detector->classifier()->forward(unitImages, t.boxes, t.imageIndex);
  }
  const auto category = out.category.argmax(1).to(at::kCPU), action = out.action.argmax(1).to(at::kCPU);
  const auto K = out.action.size(1);
  std::vector<std::vector<std::int64_t>> confusion(std::size_t(K), std::vector<std::int64_t>(std::size_t(K), 0));
  std::vector<double> categoryRight(std::size_t(K), 0.0), seen(std::size_t(K), 0.0);
  for (std::int64_t i = 0; i < t.action.size(0); ++i) {
    const auto truth = std::size_t(t.action[i].item<std::int64_t>());
    ++confusion[truth][std::size_t(action[i].item<std::int64_t>())];
    seen[truth] += 1;
    categoryRight[truth] += category[i].item<std::int64_t>() == t.category[i].item<std::int64_t>() ? 1 : 0;
  }
  json categoryByAction = json::array();  // does an action (rotation, flip, lift) hide the category?
  for (std::size_t k = 0; k < categoryRight.size(); ++k) categoryByAction.push_back(seen[k] > 0 ? categoryRight[k] / seen[k] : 0.0);
  return {{"subjects", t.category.size(0)},
          {"category_accuracy", (category == t.category).to(at::kFloat).mean().item<double>()},
          {"action_accuracy", (action == t.action).to(at::kFloat).mean().item<double>()},
          {"action_confusion", confusion},
          {"category_accuracy_by_action", categoryByAction}};
}

std::vector<double> cosines(const at::Tensor& a, const at::Tensor& b) {
  const auto c = (a * b).sum(1).to(at::kDouble).contiguous();
  return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}

/// Semantic score of each image for the requirements of the clean scene's instruction.
std::vector<SemanticScore> semanticScores(PerceptionModels& m, const at::Tensor& images,
                                          const std::vector<RewardRequest>& requests) {
  std::vector<SemanticScore> out;
  for (const auto& r : computeRewards(m, images, images, requests)) out.push_back(r.semantic);
  return out;
}

json checksJson(const SemanticScore& s) {
  json out = json::object();
  for (const auto& c : s.checks) out[c.name] = c.score;
  return out;
}

}  // namespace

double rocAuc(std::vector<double> pos, std::vector<double> neg) {
  if (pos.empty() || neg.empty()) return 0.0;
  std::sort(neg.begin(), neg.end());
  double wins = 0;
  for (const double p : pos) {
    const auto lo = std::lower_bound(neg.begin(), neg.end(), p), hi = std::upper_bound(neg.begin(), neg.end(), p);
    wins += double(lo - neg.begin()) + 0.5 * double(hi - lo);
  }
  return wins / (double(pos.size()) * double(neg.size()));
}

double averagePrecision(std::vector<std::pair<double, bool>> dets, std::size_t groundTruth) {
  if (groundTruth == 0) return 0.0;
  std::stable_sort(dets.begin(), dets.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<double> precision, recall;
  double tp = 0;
  for (std::size_t i = 0; i < dets.size(); ++i) {
    tp += dets[i].second ? 1.0 : 0.0;
    precision.push_back(tp / double(i + 1));
    recall.push_back(tp / double(groundTruth));
  }
  // All-points interpolation: precision made monotone from the right, summed over recall steps.
  for (std::size_t i = precision.size(); i-- > 1;) precision[i - 1] = std::max(precision[i - 1], precision[i]);
  double ap = 0, lastRecall = 0;
  for (std::size_t i = 0; i < recall.size(); ++i) {
    ap += (recall[i] - lastRecall) * precision[i];
    lastRecall = recall[i];
  }
  return ap;
}

json evaluatePerception(PerceptionModels& m, const world::WorldCatalog& catalog, const EvalSettings& s) {
  at::manual_seed(s.seed);
  json targets = json::array(), details = json::object();
  WorldBatchMaker maker(catalog, world::Split::Heldout, s.seed, 64);
  world::Rng& rng = maker.rng();
  auto wanted = [&](const char* part) { return s.only.empty() || s.only.count(part) > 0; };

  // Detector: AP50 on clean and on augmented renders of held-out identities.
  if (wanted("detector")) {
    const auto batch = maker.scenes(s.detectorImages);
    const auto unit = toUnitFloat(batch.images);
    AugmentOptions all{0.5, 0.5, 0.5, 0.5, 0.5};
    const auto augmented = augmentForDetection(unit, batch.targets.boxes, batch.targets.imageIndex, all);
    targets.push_back(target("detector_ap50_clean", detectorAp(m, batch, unit, rng), 0.90));
    targets.push_back(target("detector_ap50_augmented", detectorAp(m, batch, augmented, rng), 0.85));
    details["classifier_on_true_boxes"] = classifierOnTrueBoxes(m, batch, unit);
    details["classifier_on_true_boxes_augmented"] = classifierOnTrueBoxes(m, batch, augmented);
  }

  // Features: same identity in two contexts vs another vendor's look of its category, and vs
  // other categories.
  if (wanted("features")) {
    std::map<std::size_t, std::vector<std::size_t>> byCategory;
    for (std::size_t i = 0; i < catalog.identities.size(); ++i) {
      if (catalog.identities[i].split == world::Split::Heldout) byCategory[catalog.identities[i].category].push_back(i);
    }
    std::vector<std::size_t> ids;
    for (const auto& [c, members] : byCategory) {
      if (members.size() >= 2) ids.insert(ids.end(), members.begin(), members.end());
    }
    const auto views = maker.viewsOf(ids, 2);
    at::Tensor emb;
    {
      c10::InferenceMode guard;
      const auto idx = at::arange(views.images.size(0), at::kLong);
      emb = m.features->forward(m.features->crops(toUnitFloat(views.images), views.boxes, idx)).to(at::kCPU, at::kFloat);
    }
    const auto n = std::int64_t(ids.size());
    const auto first = emb.slice(0, 0, 2 * n, 2), second = emb.slice(0, 1, 2 * n, 2);
    const auto positives = cosines(first, second);
    std::vector<double> hard, easy;
    for (std::int64_t i = 0; i < n; ++i) {
      for (std::int64_t j = 0; j < n; ++j) {
        if (i == j) continue;
        const bool sameCategory = catalog.identities[ids[std::size_t(i)]].category == catalog.identities[ids[std::size_t(j)]].category;
        if (sameCategory) {
          hard.push_back((first[i] * second[j]).sum().item<double>());
        } else if (rng.chance(4.0 / double(n))) {
          easy.push_back((first[i] * second[j]).sum().item<double>());
        }
      }
    }
    targets.push_back(target("features_auc_same_category_other_vendor", rocAuc(positives, hard), 0.95));
    targets.push_back(target("features_auc_other_category", rocAuc(positives, easy), 0.99));
    details["features"] = {{"identities", n}, {"positive_pairs", positives.size()}, {"hard_pairs", hard.size()},
                           {"easy_pairs", easy.size()}};
  }

  // Aesthetic: clean render preferred over its degraded copy.
  if (wanted("aesthetic")) {
    const auto pairs = maker.pairs(s.aestheticPairs);
    at::Tensor better, worse;
    {
      c10::InferenceMode guard;
      better = m.aesthetic->forward(normaliseForModel(toUnitFloat(pairs.better)));
      worse = m.aesthetic->forward(normaliseForModel(toUnitFloat(pairs.worse)));
    }
    const auto wins = (better > worse).to(at::kFloat);
    targets.push_back(target("aesthetic_pairwise_accuracy", wins.mean().item<double>(), 0.90));
    json perKind = json::object();
    for (std::size_t k = 0; k < degradationNames().size(); ++k) {
      double sum = 0, count = 0;
      for (std::size_t i = 0; i < pairs.kind.size(); ++i) {
        if (pairs.kind[i] == int(k)) sum += wins[std::int64_t(i)].item<double>(), ++count;
      }
      if (count > 0) perKind[degradationNames()[k]] = sum / count;
    }
    details["aesthetic_accuracy_by_degradation"] = perKind;
  }
  // Semantic scorer: the clean scene's instruction scores its own render above a render
  // corrupted in the checked fact.
  if (wanted("semantic")) {
    const WorldIndex& index = maker.index();
    const std::vector<std::string> kinds = {"swapped_accessories", "swapped_actions", "wrong_background",
                                            "wrong_relation", "missing_subject"};
    json perKind = json::object();
    double worst = 1.0;
    int actionsParsed = 0;  // swapped-action instructions whose actions were read onto the right subjects
    for (const auto& kind : kinds) {
      std::vector<world::Image> clean, corrupt;
      std::vector<RewardRequest> requests;
      std::vector<std::string> swappedPair;  // "a / b" of each swapped-action scene
      for (int n = 0; n < s.semanticScenes; ++n) {
        auto scene = world::randomScene(catalog, rng, {2, world::Split::Heldout, 0.0, 0.0, true});
        if (kind == "wrong_relation") {
          while (scene.relations[0].kind == world::RelationKind::NextTo) {
            scene = world::randomScene(catalog, rng, {2, world::Split::Heldout, 0.0, 0.0, true});
          }
        }
        auto bad = scene;
        if (kind == "swapped_accessories") {
          const auto a = rng.below(catalog.accessories.size());
          const auto b = (a + 1 + rng.below(catalog.accessories.size() - 1)) % catalog.accessories.size();
          scene.subjects[0].accessories = {catalog.accessories[a].spec.name};
          scene.subjects[1].accessories = {catalog.accessories[b].spec.name};
          bad = scene;
          std::swap(bad.subjects[0].accessories, bad.subjects[1].accessories);
        } else if (kind == "swapped_actions") {
          const auto a = rng.below(catalog.actions.size());
          const auto b = (a + 1 + rng.below(catalog.actions.size() - 1)) % catalog.actions.size();
          scene.subjects[0].action = catalog.actions[a].name;
          scene.subjects[1].action = catalog.actions[b].name;
          bad = scene;
          std::swap(bad.subjects[0].action, bad.subjects[1].action);
          swappedPair.push_back(scene.subjects[0].action + " / " + scene.subjects[1].action);
        } else if (kind == "wrong_background") {
          const auto other = (index.background.at(scene.background) + 1 + std::int64_t(rng.below(catalog.backgrounds.size() - 1))) %
                             std::int64_t(catalog.backgrounds.size());
          bad.background = catalog.backgrounds[std::size_t(other)].name;
        } else if (kind == "wrong_relation") {
          std::swap(bad.subjects[0].box, bad.subjects[1].box);
          bad.relations.clear();
        } else {
          bad.subjects.pop_back();
          bad.relations.clear();
        }
        const auto text = world::instruction(scene, catalog, rng);
        std::vector<std::int64_t> categories;
        for (const auto& sub : scene.subjects) categories.push_back(index.categoryOf(catalog, sub.identity));
        RewardRequest request;
        request.categories = categories;
        request.references = {std::int64_t(requests.size()), std::int64_t(requests.size())};
        request.requirements = parseInstruction(text, categories, index.vocabulary);
        if (kind == "swapped_actions") {
          bool right = request.requirements.subjects.size() == 2;
          for (std::size_t i = 0; right && i < 2; ++i) {
            right = request.requirements.subjects[i].action == index.action.at(scene.subjects[i].action);
          }
          actionsParsed += right ? 1 : 0;
        }
        requests.push_back(request);
        const auto seed = rng.next();
        clean.push_back(maker.renderer().render(scene, seed, 64).image);
        corrupt.push_back(maker.renderer().render(bad, seed, 64).image);
      }
      const auto good = semanticScores(m, stackImages(clean), requests);
      const auto poor = semanticScores(m, stackImages(corrupt), requests);
      double wins = 0;
      for (std::size_t i = 0; i < good.size(); ++i) {
        wins += good[i].score > poor[i].score ? 1.0 : 0.0;
        if (good[i].score <= poor[i].score && i < swappedPair.size()) {
          details["swapped_actions_lost"].push_back(
              {{"actions", swappedPair[i]}, {"correct", checksJson(good[i])}, {"corrupted", checksJson(poor[i])}});
        }
      }
      const double accuracy = wins / double(good.size());
      perKind[kind] = accuracy;
      worst = std::min(worst, accuracy);
    }
    targets.push_back(target("semantic_corruption_accuracy_min", worst, 0.90));
    details["semantic_accuracy_by_corruption"] = perKind;
    details["swapped_actions_instruction_parsed"] = double(actionsParsed) / double(std::max(1, s.semanticScenes));
  }

  // PSR: the correct render scores above one where subject 1 is another vendor's look.
  if (wanted("psr")) {
    std::map<std::size_t, std::vector<std::size_t>> byCategory;
    for (std::size_t i = 0; i < catalog.identities.size(); ++i) {
      if (catalog.identities[i].split == world::Split::Heldout) byCategory[catalog.identities[i].category].push_back(i);
    }
    std::vector<world::Image> good, swapped, refs;
    std::vector<RewardRequest> requests;
    const WorldIndex& index = maker.index();
    while (int(requests.size()) < s.psrScenes) {
      auto scene = world::randomScene(catalog, rng, {2, world::Split::Heldout, 0.3, 0.3, true});
      const auto& same = byCategory[catalog.findIdentity(scene.subjects[0].identity)->category];
      if (same.size() < 2) continue;
      auto other = scene;
      std::size_t pick = same[rng.below(same.size())];
      while (catalog.identities[pick].name == scene.subjects[0].identity) pick = same[rng.below(same.size())];
      other.subjects[0].identity = catalog.identities[pick].name;
      RewardRequest request;
      for (int i = 0; i < 2; ++i) {
        request.categories.push_back(index.categoryOf(catalog, scene.subjects[std::size_t(i)].identity));
        request.references.push_back(std::int64_t(refs.size()));
        refs.push_back(maker.renderer().render(world::makeReferenceScene(scene, i, catalog, rng), rng.next(), 64).image);
      }
      request.requirements = parseInstruction(world::instruction(scene, catalog, rng), request.categories, index.vocabulary);
      requests.push_back(request);
      const auto seed = rng.next();
      good.push_back(maker.renderer().render(scene, seed, 64).image);
      swapped.push_back(maker.renderer().render(other, seed, 64).image);
    }
    const auto refTensor = stackImages(refs);
    for (const auto mode : {PsrMode::Official, PsrMode::Strict}) {
      const auto a = computeRewards(m, stackImages(good), refTensor, requests, mode);
      const auto b = computeRewards(m, stackImages(swapped), refTensor, requests, mode);
      double wins = 0, meanGood = 0, meanSwapped = 0;
      for (std::size_t i = 0; i < a.size(); ++i) {
        wins += a[i].psr.psr > b[i].psr.psr ? 1.0 : 0.0;
        meanGood += a[i].psr.psr / double(a.size());
        meanSwapped += b[i].psr.psr / double(a.size());
      }
      const std::string name = mode == PsrMode::Official ? "official" : "strict";
      details["psr_" + name] = {{"correct_above_identity_swapped", wins / double(a.size())},
                                {"mean_correct", meanGood}, {"mean_identity_swapped", meanSwapped}};
    }
  }
  return json{{"targets", targets}, {"details", details}};
}

}  // namespace psr::perceive_data
