#include "pipeline/candidate.h"

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/sha256.h"
#include "pipeline/consistency.h"
#include "pipeline/scene_edits.h"
#include "pipeline/seeds.h"
#include "pipeline/world_providers.h"
#include "world/catalog.h"
#include "world/image_codec.h"

namespace psr::pipeline {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

/// The detection of subject `index`: the k-th best box of its category, k counting earlier
/// subjects of the same category (the public PSR scorer's rule for repeated categories).
std::optional<Detection> pick(Detector& detector, const SceneImage& image, const std::vector<std::string>& categories,
                              std::size_t index, const StageContext& ctx) {
  std::vector<Detection> found = detector.detect(image, categories[index], ctx);
  std::stable_sort(found.begin(), found.end(),
                   [](const Detection& a, const Detection& b) { return a.confidence > b.confidence; });
  const auto k =
      std::size_t(std::count(categories.begin(), categories.begin() + std::ptrdiff_t(index), categories[index]));
  if (k >= found.size() || found[k].box.empty()) return std::nullopt;
  return found[k];
}

json boxJson(const world::PixelBox& b) { return {b.x0, b.y0, b.x1, b.y1}; }

/// A scene with the pixel boxes the sample was scored with.
json sceneJson(const SceneImage& image, const std::vector<Detection>& detections) {
  json out = image.scene ? world::toJson(*image.scene) : json::object();
  json boxes = json::array();
  for (const auto& d : detections) boxes.push_back(boxJson(d.box));
  out["pixel_boxes"] = boxes;
  out["image_size"] = {image.image.width, image.image.height};
  return out;
}

/// Identities, actions, accessories, background and relations (not boxes or sizes): two samples
/// with the same canonical form show the same subjects with the same edit.
std::string contentHash(Subset subset, const SceneImage& target, const GroupPlan& plan,
                        const std::string& instruction) {
  json canon = {{"subset", subsetName(subset)}};
  if (target.scene) {
    json subjects = json::array();
    for (const auto& s : target.scene->subjects) {
      subjects.push_back({s.identity, s.action, s.accessories});
    }
    json relations = json::array();
    for (const auto& r : target.scene->relations) relations.push_back({r.a, r.b, world::relationName(r.kind)});
    canon["scene"] = {target.scene->background, subjects, relations};
  } else {
    canon["categories"] = plan.categories;
    canon["instruction"] = instruction;
  }
  return sha256Hex(canon.dump());
}

void requireSplit(const std::optional<world::Scene>& scene, world::Split split, const world::WorldCatalog& c,
                  const char* stage) {
  if (!scene) return;
  for (const auto& s : scene->subjects) {
    const world::Identity* id = c.findIdentity(s.identity);
    if (id && id->split != split) {
      throw Error(std::string(stage) + " returned identity " + s.identity + " of the " + world::splitName(id->split) +
                      " split in a " + world::splitName(split) + " run; a run never mixes splits",
                  ErrorCode::InvalidArgument);
    }
  }
}

EncodedBlob encoded(const world::Image& image) {
  EncodedBlob b;
  b.bytes = world::encodePng(image);
  b.sha256 = sha256Hex(b.bytes);
  return b;
}

}  // namespace

Candidate makeCandidate(ProviderSet& p, const world::WorldCatalog& catalog, const CandidateInput& in,
                        const std::unordered_set<std::string>& knownHashes) {
  Candidate out;
  out.seq = in.seq;
  out.subset = in.subset;
  auto ctx = [&](Stage stage, std::uint64_t sub = 0) {
    const std::uint64_t seed = stageSeed(in.runSeed, in.seq, stage);
    return StageContext{sub == 0 ? seed : deriveSeed(seed, sub), in.cancel};
  };
  json provenance = {{"seq", in.seq}, {"split", world::splitName(in.split)}};
  auto record = [&](const char* stage, const Provider* provider, Stage s) {
    provenance[stage] = {{"provider", provider ? provider->name() : kWorldProviderName}, {"seed", ctx(s).seed}};
  };

  // Stage 1: categories → prompts → group image → detections → single-subject references.
  auto t = Clock::now();
  GroupPlan plan;
  plan.subset = in.subset;
  world::Rng planRng(ctx(Stage::Plan).seed);
  plan.scene = planGroupScene(in.subset, in.split, catalog, planRng);
  for (const auto& s : plan.scene->subjects)
    plan.categories.push_back(catalog.categoryOf(*catalog.findIdentity(s.identity)).noun);
  const std::size_t n = plan.categories.size();
  out.subjects = int(n);
  record("plan", nullptr, Stage::Plan);
  const GroupPrompts prompts = p.promptWriter->write(plan, ctx(Stage::PromptWriter));
  record("prompt_writer", p.promptWriter.get(), Stage::PromptWriter);
  if (prompts.subjects.size() != n) {
    throw Error(p.promptWriter->name() + " wrote " + std::to_string(prompts.subjects.size()) + " subject prompts for " +
                    std::to_string(n) + " subjects",
                ErrorCode::InvalidArgument);
  }
  const SceneImage source = p.t2i->generate(plan, prompts, ctx(Stage::T2I));
  record("t2i", p.t2i.get(), Stage::T2I);
  record("detector", p.detector.get(), Stage::Detector);
  out.times.render += since(t);

  std::vector<double> confidence(n, 0.0);
  std::vector<SceneImage> references(n);
  std::vector<std::optional<Detection>> sourceDet(n);
  t = Clock::now();
  for (std::size_t i = 0; i < n; ++i)
    sourceDet[i] = pick(*p.detector, source, plan.categories, i, ctx(Stage::Detector, 1 + i));
  out.times.filter += since(t);
  t = Clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    if (!sourceDet[i]) continue;  // rejected below; no reference without a crop
    SubjectCrop crop;
    crop.category = plan.categories[i];
    crop.index = int(i);
    crop.crop = world::crop(source.image, sourceDet[i]->box);
    crop.detection = *sourceDet[i];
    crop.prompt = prompts.subjects[i];
    crop.group = plan.scene;
    references[i] = p.singleSubject->generate(crop, ctx(Stage::SingleSubject, 1 + i));
    requireSplit(references[i].scene, in.split, catalog, "the single-subject generator");
  }
  record("single_subject", p.singleSubject.get(), Stage::SingleSubject);

  // Stage 2: re-edit the group image with the task, then caption the pair.
  EditRequest edit{in.subset, plan.categories, source};
  const SceneImage target = p.editor->edit(edit, ctx(Stage::Editor));
  requireSplit(target.scene, in.split, catalog, "the editor");
  record("editor", p.editor.get(), Stage::Editor);
  out.instruction = p.captioner->caption({in.subset, plan.categories, &source, &target}, ctx(Stage::Captioner));
  record("captioner", p.captioner.get(), Stage::Captioner);
  out.prompt = prompts.t2iPrompt;
  out.times.render += since(t);

  // Scores and filters, per subject: detections in target and reference, consistency, copy-paste.
  t = Clock::now();
  std::vector<Detection> targetDet(n), referenceDet(n);
  std::vector<double> consistency(n, 0.0), copyPaste(n, 0.0);
  bool detected = true;
  for (std::size_t i = 0; i < n && detected; ++i) {
    const auto td = pick(*p.detector, target, plan.categories, i, ctx(Stage::Detector, 100 + i));
    const auto rd = sourceDet[i]
                        ? pick(*p.detector, references[i], {plan.categories[i]}, 0, ctx(Stage::Detector, 200 + i))
                        : std::nullopt;
    if (!sourceDet[i] || !td || !rd) {
      detected = false;
      break;
    }
    targetDet[i] = *td;
    referenceDet[i] = *rd;
    confidence[i] = std::min({sourceDet[i]->confidence, td->confidence, rd->confidence});
    consistency[i] = p.scorer->score(maskedCrop(references[i].image, *rd), maskedCrop(target.image, *td));
    copyPaste[i] = copyPasteSimilarity(references[i].image, rd->box, target.image, td->box);
  }
  out.consistency = detected ? *std::min_element(consistency.begin(), consistency.end()) : 0.0;
  const double minConfidence = detected ? *std::min_element(confidence.begin(), confidence.end()) : 0.0;
  out.contentHash = contentHash(in.subset, target, plan, out.instruction);
  if (!detected || minConfidence < in.filters.minDetectorConfidence) {
    out.reject = RejectReason::DetectorConfidence;
  } else if (*std::max_element(copyPaste.begin(), copyPaste.end()) > in.filters.maxCopyPaste) {
    out.reject = RejectReason::CopyPaste;
  } else if (out.consistency < in.filters.minConsistency) {
    out.reject = RejectReason::Consistency;
  } else if (knownHashes.count(out.contentHash)) {
    out.reject = RejectReason::Duplicate;
  }
  provenance["scorer"] = {{"provider", p.scorer->name()}};
  out.scoresJson = json{
      {"consistency", consistency},
      {"detector_confidence", confidence},
      {"copy_paste", copyPaste},
      {"consistency_min", out.consistency},
      {"detector_confidence_min",
       minConfidence}}.dump();
  out.provenanceJson = provenance.dump();
  out.times.filter += since(t);
  if (out.reject) return out;

  t = Clock::now();
  json scene = sceneJson(target, targetDet);
  std::vector<Detection> sourceBoxes;
  for (const auto& d : sourceDet) sourceBoxes.push_back(*d);  // all present: the sample passed detection
  scene["source"] = sceneJson(source, sourceBoxes);
  out.sceneJson = scene.dump();
  out.target = encoded(target.image);
  out.source = encoded(source.image);
  for (std::size_t i = 0; i < n; ++i) {
    json ref = sceneJson(references[i], {referenceDet[i]});
    ref["prompt"] = prompts.subjects[i].prompt;
    out.references.push_back({plan.categories[i], ref.dump(), encoded(references[i].image)});
  }
  out.times.encode += since(t);
  return out;
}

}  // namespace psr::pipeline
