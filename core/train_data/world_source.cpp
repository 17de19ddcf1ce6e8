#include "train_data/world_source.h"

#include <array>
#include <cctype>

#include <ATen/ATen.h>

#include "common/error.h"
#include "perceive_data/image_tensor.h"
#include "train/step_rng.h"
#include "train_data/reference_crop.h"
#include "world/prompts.h"
#include "world/renderer.h"
#include "world/rng.h"
#include "world/scene_sampler.h"

namespace psr::train_data {

namespace {

enum class Task { T2i, Copy, Single, Multi };

double number(const nlohmann::json& j, const char* key, double fallback) {
  if (!j.contains(key)) return fallback;
  if (!j[key].is_number() || j[key].get<double>() < 0)
    throw Error(std::string("job spec: data.world.") + key + " must be a non-negative number", ErrorCode::InvalidArgument);
  return j[key].get<double>();
}

// Replaces every whole-word, case-insensitive occurrence of each noun with "<unk>", which the
// tokenizer reads as its unknown token. Held-out categories reach the model as nouns it never
// trained on, so a model that learned each noun's look from the text has nothing to draw from;
// hiding the noun in training makes the reference the only source of the subject's look.
std::string maskNouns(std::string prompt, const std::vector<std::string>& nouns) {
  const auto lower = [](std::string s) {
    for (auto& ch : s)
      if (ch >= 'A' && ch <= 'Z') ch = char(ch - 'A' + 'a');
    return s;
  };
  const auto isWord = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0; };
  for (const auto& noun : nouns) {
    if (noun.empty()) continue;
    const auto needle = lower(noun);
    std::string folded = lower(prompt);
    for (std::size_t at = folded.find(needle); at != std::string::npos; at = folded.find(needle, at + 1)) {
      const auto end = at + needle.size();
      if ((at > 0 && isWord(folded[at - 1])) || (end < folded.size() && isWord(folded[end]))) continue;
      prompt.replace(at, needle.size(), "<unk>");
      folded = lower(prompt);
    }
  }
  return prompt;
}

at::Tensor toModel(const world::Image& image) {  // [3, H, W] float in [-1, 1]
  return perceive_data::imageToTensor(image).to(at::kFloat).div(127.5).sub(1.0);
}

}  // namespace

WorldSourceOptions WorldSourceOptions::fromJson(const nlohmann::json& j, std::int64_t steps, int size) {
  if (!j.is_object()) throw Error("job spec: data.world must be an object", ErrorCode::InvalidArgument);
  for (const auto& [key, value] : j.items()) {
    static const std::vector<std::string> known = {"t2i", "copy", "single", "multi", "copy_end", "noun_dropout", "subject_weight", "reference_crop", "split"};
    if (std::find(known.begin(), known.end(), key) == known.end())
      throw Error("job spec: unknown key data.world." + key, ErrorCode::InvalidArgument);
  }
  WorldSourceOptions o;
  o.t2i = number(j, "t2i", o.t2i);
  o.copy = number(j, "copy", o.copy);
  o.single = number(j, "single", o.single);
  o.multi = number(j, "multi", o.multi);
  o.copyEnd = j.contains("copy_end") ? number(j, "copy_end", 0) : -1;
  o.nounDropout = number(j, "noun_dropout", 0);
  if (o.nounDropout > 1) throw Error("job spec: data.world.noun_dropout must be at most 1", ErrorCode::InvalidArgument);
  o.subjectWeight = number(j, "subject_weight", 1);
  if (o.subjectWeight < 1 || o.subjectWeight > 100)
    throw Error("job spec: data.world.subject_weight must be in [1, 100]", ErrorCode::InvalidArgument);
  if (j.contains("reference_crop")) {
    if (!j["reference_crop"].is_boolean()) throw Error("job spec: data.world.reference_crop must be true or false", ErrorCode::InvalidArgument);
    o.referenceCrop = j["reference_crop"].get<bool>();
  }
  const auto split = j.value("split", std::string("train"));
  if (split == "train") o.split = world::Split::Train;
  else if (split == "all") o.split = std::nullopt;
  else throw Error("job spec: data.world.split must be \"train\" or \"all\" (held-out identities are never trained on)",
                   ErrorCode::InvalidArgument);
  if (o.t2i + o.copy + o.single + o.multi <= 0) throw Error("job spec: data.world has no positive task share", ErrorCode::InvalidArgument);
  o.steps = steps;
  o.size = size;
  return o;
}

nlohmann::json WorldSourceOptions::toJson() const {
  return {{"t2i", t2i}, {"copy", copy}, {"copy_end", copyEnd}, {"single", single}, {"multi", multi}, {"noun_dropout", nounDropout}, {"subject_weight", subjectWeight},
          {"reference_crop", referenceCrop}, {"split", split ? "train" : "all"}, {"size", size}};
}

struct WorldSource::Impl {
  const world::WorldCatalog& catalog;
  WorldSourceOptions options;
  train::ReferenceMix mix;
  std::uint64_t seed;
  world::SceneRenderer renderer;

  Impl(const world::WorldCatalog& c, WorldSourceOptions o, train::ReferenceMix m, std::uint64_t s)
      : catalog(c), options(std::move(o)), mix(std::move(m)), seed(s), renderer(c) {}

  Task pickTask(std::int64_t step, double u) const {
    double copy = options.copy;
    if (options.copyEnd >= 0) {
      const double t = std::min(1.0, double(step) / double(std::max<std::int64_t>(1, options.steps)));
      copy = options.copy + (options.copyEnd - options.copy) * t;
    }
    const double total = options.t2i + copy + options.single + options.multi;
    double acc = options.t2i / total;
    if (u < acc) return Task::T2i;
    acc += copy / total;
    if (u < acc) return Task::Copy;
    acc += options.single / total;
    if (u < acc) return Task::Single;
    return Task::Multi;
  }

  // [1, size, size]: 1 on the background, `subjectWeight` on any subject's pixels.
  at::Tensor pixelWeights(const world::Rendering& r) const {
    auto any = at::zeros({options.size, options.size}, at::kBool);
    for (const auto& s : r.subjects) {
      if (s.mask.size() != std::size_t(options.size) * std::size_t(options.size)) continue;
      auto m = at::from_blob(const_cast<std::uint8_t*>(s.mask.data()), {options.size, options.size}, at::kByte);
      any.logical_or_(m.ne(0));
    }
    return (any.to(at::kFloat) * (options.subjectWeight - 1) + 1).unsqueeze(0);
  }

  struct Sample {
    at::Tensor target;
    at::Tensor weights;
    std::vector<at::Tensor> refs;
    std::vector<std::array<float, 8>> boxes;  ///< per reference: target box, reference box, in [0, 1]
    std::vector<at::Tensor> masks;            ///< per reference: [size, size] float, its subject in the target
    std::string prompt;
  };

  Sample make(Task task, world::Rng& rng) {
    Sample s;
    world::SceneRequest req;
    req.split = options.split;
    if (task == Task::T2i) {
      req.subjects = 1 + int(rng.below(2));
      auto scene = world::randomScene(catalog, rng, req);
      s.prompt = world::t2iPrompt(scene, catalog, rng);
      const auto rendering = renderer.render(scene, rng.next(), options.size);
      s.target = toModel(rendering.image);
      s.weights = pixelWeights(rendering);
      return s;
    }
    req.subjects = task == Task::Multi ? mix.pick(rng.uniform(0, 1), {2, 3, 4}) : 1;
    auto scene = world::randomScene(catalog, rng, req);
    s.prompt = world::instruction(scene, catalog, rng);
    // Drawn only when enabled, so that runs without noun dropout keep their random stream.
    if (options.nounDropout > 0 && rng.uniform(0, 1) < options.nounDropout) {
      std::vector<std::string> nouns;
      for (const auto& subject : scene.subjects) nouns.push_back(catalog.categoryOf(*catalog.findIdentity(subject.identity)).noun);
      s.prompt = maskNouns(std::move(s.prompt), nouns);
    }
    const auto renderSeed = rng.next();
    const auto rendering = renderer.render(scene, renderSeed, options.size);
    s.target = toModel(rendering.image);
    s.weights = pixelWeights(rendering);
    for (int k = 0; k < int(scene.subjects.size()); ++k) {
      world::Scene ref;
      if (task == Task::Copy) {
        ref = scene;  // same identity, pose, size and place; only the background differs
        ref.relations.clear();
        for (int tries = 0; tries < 8 && ref.background == scene.background; ++tries)
          ref.background = catalog.backgrounds[rng.below(catalog.backgrounds.size())].name;
      } else {
        ref = world::makeReferenceScene(scene, k, catalog, rng);
      }
      const auto rendered = renderer.render(ref, rng.next(), options.size);
      auto image = toModel(rendered.image);
      // Every reference scene holds one subject (copy tasks have one subject too).
      std::array<float, 8> boxes{};
      const double side = options.size;
      if (k < int(rendering.subjects.size()) && !rendering.subjects[std::size_t(k)].box.empty() &&
          !rendered.subjects.empty() && !rendered.subjects.front().box.empty()) {
        const auto& tb = rendering.subjects[std::size_t(k)].box;
        const auto& rb = rendered.subjects.front().box;
        // The reference box in the frame the model sees: the whole image or the crop square.
        CropSquare frame{0, 0, side, side};
        if (options.referenceCrop) frame = cropSquare(rb, options.size, options.size);
        const double fw = frame.x1 - frame.x0, fh = frame.y1 - frame.y0;
        boxes = {float(tb.x0 / side), float(tb.y0 / side), float(tb.x1 / side), float(tb.y1 / side),
                 float((rb.x0 - frame.x0) / fw), float((rb.y0 - frame.y0) / fh), float((rb.x1 - frame.x0) / fw),
                 float((rb.y1 - frame.y0) / fh)};
      }
      if (options.referenceCrop && !rendered.subjects.empty()) image = cropToSubject(image, rendered.subjects.front().box);
      s.refs.push_back(image);
      s.boxes.push_back(boxes);
      const bool masked = k < int(rendering.subjects.size()) &&
                          rendering.subjects[std::size_t(k)].mask.size() == std::size_t(options.size) * std::size_t(options.size);
      s.masks.push_back(masked ? at::from_blob(const_cast<std::uint8_t*>(rendering.subjects[std::size_t(k)].mask.data()),
                                               {options.size, options.size}, at::kByte)
                                     .ne(0)
                                     .to(at::kFloat)
                               : at::zeros({options.size, options.size}, at::kFloat));
    }
    return s;
  }
};

WorldSource::WorldSource(const world::WorldCatalog& catalog, WorldSourceOptions options, train::ReferenceMix mix,
                         std::uint64_t seed)
    : impl_(std::make_unique<Impl>(catalog, std::move(options), std::move(mix), seed)) {}

WorldSource::~WorldSource() = default;

train::TrainingBatch WorldSource::batch(std::int64_t step, std::int64_t size) {
  train::StepRng stepRng(impl_->seed, std::uint64_t(step), 7);
  std::vector<Impl::Sample> samples;
  std::size_t slots = 0;
  for (std::int64_t i = 0; i < size; ++i) {
    world::Rng rng(stepRng.next());
    const auto task = impl_->pickTask(step, rng.uniform(0, 1));
    samples.push_back(impl_->make(task, rng));
    slots = std::max(slots, samples.back().refs.size());
  }
  train::TrainingBatch out;
  std::vector<at::Tensor> targets, weights;
  for (auto& s : samples) {
    targets.push_back(s.target);
    weights.push_back(s.weights);
    out.prompts.push_back(s.prompt);
  }
  out.target = at::stack(targets);
  if (impl_->options.subjectWeight != 1) out.weights = at::stack(weights);
  if (slots > 0) {
    out.present = at::zeros({size, std::int64_t(slots)}, at::kBool);
    out.boxes = at::zeros({size, std::int64_t(slots), 8}, at::kFloat);
    out.masks = at::zeros({size, std::int64_t(slots), impl_->options.size, impl_->options.size}, at::kFloat);
    for (std::size_t i = 0; i < samples.size(); ++i)
      for (std::size_t k = 0; k < samples[i].boxes.size(); ++k) {
        out.boxes[std::int64_t(i)][std::int64_t(k)] = at::tensor(std::vector<float>(samples[i].boxes[k].begin(), samples[i].boxes[k].end()));
        out.masks[std::int64_t(i)][std::int64_t(k)].copy_(samples[i].masks[k]);
      }
    for (std::size_t k = 0; k < slots; ++k) {
      std::vector<at::Tensor> column;
      for (std::size_t i = 0; i < samples.size(); ++i) {
        if (k < samples[i].refs.size()) {
          column.push_back(samples[i].refs[k]);
          out.present[std::int64_t(i)][std::int64_t(k)] = true;
        } else {
          column.push_back(at::zeros_like(samples[i].target));
        }
      }
      out.references.push_back(at::stack(column));
    }
  }
  return out;
}

std::vector<std::string> WorldSource::corpus() {
  // Prompts of every task kind and subject count, so later stages' words are known.
  std::vector<std::string> texts;
  world::Rng rng(impl_->seed ^ 0xC0FFEEull);
  for (int i = 0; i < 6000; ++i) {
    world::SceneRequest req;
    req.split = std::nullopt;  // vocabulary only: every category noun, no images
    req.subjects = 1 + int(rng.below(4));
    auto scene = world::randomScene(impl_->catalog, rng, req);
    texts.push_back(world::t2iPrompt(scene, impl_->catalog, rng));
    texts.push_back(world::instruction(scene, impl_->catalog, rng));
  }
  return texts;
}

nlohmann::json WorldSource::describe() const {
  return {{"kind", "world"}, {"tasks", impl_->options.toJson()}, {"reference_mix", impl_->mix.toJson()},
          {"seed", impl_->seed}};
}

}  // namespace psr::train_data
