#include "perceive/perception_models.h"

#include <map>

#include "common/error.h"
#include "perceive/checkpoint_io.h"
#include "perceive/image_ops.h"

namespace psr::perceive {

PerceptionModels PerceptionModels::load(const std::filesystem::path& dir, c10::Device device) {
  PerceptionModels m;
  const auto detectorInfo = readCheckpointInfo(dir / "detector.safetensors");
  m.detector = GroundingDetector(GroundingDetectorOptions::fromJson(detectorInfo.config));
  loadCheckpoint(dir / "detector.safetensors", *m.detector, "detector");
  if (!detectorInfo.extra.contains("vocabulary")) {
    throw Error((dir / "detector.safetensors").string() + " has no vocabulary", ErrorCode::Corrupt);
  }
  m.vocabulary = Vocabulary::fromJson(detectorInfo.extra.at("vocabulary"));
  m.features = SubjectFeatures(SubjectFeaturesOptions::fromJson(readCheckpointInfo(dir / "features.safetensors").config));
  loadCheckpoint(dir / "features.safetensors", *m.features, "features");
  m.aesthetic = Aesthetic(AestheticOptions::fromJson(readCheckpointInfo(dir / "aesthetic.safetensors").config));
  loadCheckpoint(dir / "aesthetic.safetensors", *m.aesthetic, "aesthetic");
  for (torch::nn::Module* mod : {static_cast<torch::nn::Module*>(m.detector.get()),
                                 static_cast<torch::nn::Module*>(m.features.get()),
                                 static_cast<torch::nn::Module*>(m.aesthetic.get())}) {
    mod->to(device);
    mod->eval();
  }
  return m;
}

std::vector<std::vector<Detection>> detectAll(GroundingDetectorImpl& detector, const at::Tensor& unitImages,
                                              const std::vector<DetectionQuery>& queries, at::Tensor* backgroundProbs,
                                              bool readActions) {
  const auto input = normaliseForModel(resizeSquare(unitImages, detector.options.input_size()));
  const auto out = detector.forward(input);
  if (backgroundProbs) *backgroundProbs = at::softmax(out.background, 1).to(at::kCPU, at::kFloat).contiguous();
  return detector.decode(out, unitImages, queries, 0.05, 6, 0.05, readActions);
}

std::vector<RewardResult> computeRewards(PerceptionModels& m, const at::Tensor& generatedIn,
                                         const at::Tensor& referencesIn, const std::vector<RewardRequest>& requests,
                                         PsrMode mode, const RewardWeights& w) {
  c10::InferenceMode guard;
  const auto device = m.detector->parameters().front().device();
  const auto generated = toUnitFloat(generatedIn.to(device));
  const auto references = toUnitFloat(referencesIn.to(device));
  if (std::int64_t(requests.size()) != generated.size(0)) {
    throw Error(std::to_string(requests.size()) + " reward requests for " + std::to_string(generated.size(0)) + " images",
                ErrorCode::InvalidArgument);
  }
  std::vector<DetectionQuery> genQueries, refQueries;
  for (std::size_t b = 0; b < requests.size(); ++b) {
    const auto& r = requests[b];
    if (r.categories.size() != r.references.size() || r.categories.size() != r.requirements.subjects.size()) {
      throw Error("reward request " + std::to_string(b) + ": categories, references and requirements disagree",
                  ErrorCode::InvalidArgument);
    }
    for (std::size_t i = 0; i < r.categories.size(); ++i) {
      if (r.categories[i] < 0 || r.categories[i] >= m.detector->options.categories()) {
        throw Error("category index " + std::to_string(r.categories[i]) + " is unknown to the detector", ErrorCode::InvalidArgument);
      }
      genQueries.push_back({std::int64_t(b), r.categories[i]});
      refQueries.push_back({r.references[i], r.categories[i]});
    }
  }
  at::Tensor backgroundProbs;
  const auto genDet = detectAll(*m.detector, generated, genQueries, &backgroundProbs);
  const auto refDet = detectAll(*m.detector, references, refQueries, nullptr, /*readActions=*/false);

  std::vector<PsrSample> samples(requests.size());
  std::vector<RewardResult> results(requests.size());
  std::size_t q = 0;
  for (std::size_t b = 0; b < requests.size(); ++b) {
    const auto& r = requests[b];
    SceneObservation obs;
    obs.width = double(generated.size(3));
    obs.height = double(generated.size(2));
    obs.presenceThreshold = m.minConfidence;
    const float* bg = backgroundProbs[std::int64_t(b)].data_ptr<float>();
    obs.backgroundProbs.assign(bg, bg + backgroundProbs.size(1));
    std::map<std::int64_t, int> seen;
    for (std::size_t i = 0; i < r.categories.size(); ++i, ++q) {
      samples[b].subjects.push_back({r.categories[i], r.references[i], genDet[q], refDet[q]});
      // As the public scorer: the k-th subject of a repeated category takes the k-th box.
      const int k = seen[r.categories[i]]++;
      const auto& dets = genDet[q];
      int confident = 0;
      while (std::size_t(confident) < dets.size() && dets[std::size_t(confident)].confidence >= m.minConfidence) ++confident;
      SubjectObservation o;
      // The k-th confident box when there is one, else the k-th weaker candidate (soft presence).
      if (std::size_t(k) < dets.size()) {
        const auto& d = dets[std::size_t(k)];
        o.found = k < confident;
        o.hasBox = true;
        o.box = {d.x0, d.y0, d.x1, d.y1};
        o.accessoryProbs = d.accessoryProbs;
        o.actionProbs = d.actionProbs;
        o.confidence = d.confidence;
      }
      obs.subjects.push_back(std::move(o));
    }
    results[b].semantic = scoreSemantics(r.requirements, obs, m.vocabulary, r.positionOnly);
  }
  const auto psr = psrReward(*m.features, generated, references, samples, mode, m.minConfidence);
  const auto aes = at::sigmoid(m.aesthetic->forward(normaliseForModel(resizeSquare(generated, m.aesthetic->options.input_size()))))
                       .to(at::kCPU, at::kDouble);
  for (std::size_t b = 0; b < results.size(); ++b) {
    auto& res = results[b];
    res.psr = psr[b];
    res.aesthetic = aes[std::int64_t(b)].item<double>();
    res.total = w.psr * res.psr.psr + w.semantic * res.semantic.score + w.aesthetic * res.aesthetic;
  }
  return results;
}

}  // namespace psr::perceive
