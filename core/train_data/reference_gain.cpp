#include "train_data/reference_gain.h"

#include <ATen/ATen.h>

#include "common/error.h"
#include "flow/flow_matching.h"
#include "model/generation.h"
#include "model/rope.h"
#include "train/warp_supervision.h"
#include "train_data/generator_eval.h"
#include "train_data/world_source.h"

namespace psr::train_data {

using nlohmann::json;

namespace {

WorldSourceOptions taskOptions(const std::string& task, bool heldout, bool crop, int size) {
  WorldSourceOptions o;
  o.t2i = o.copy = o.single = o.multi = 0;
  if (task == "copy") o.copy = 1;
  else if (task == "single") o.single = 1;
  else if (task == "multi") o.multi = 1;
  else throw Error("reference gain: unknown task '" + task + "' (copy, single or multi)", ErrorCode::InvalidArgument);
  // A weight of 2 on subject pixels makes the source return the subject masks (weights − 1).
  o.subjectWeight = 2;
  o.split = heldout ? world::Split::Heldout : world::Split::Train;
  o.size = size;
  o.referenceCrop = crop;
  return o;
}

struct Losses {
  std::vector<double> image, subject;
};

// How a warp head (model/reference_warp.h) behaved on the scenes: the share of the gate on
// the warped copies over subject and background tokens, and the lookup's distance from the
// boxes' affine map (train/warp_supervision.h) in reference widths, over tokens in a box.
struct WarpUse {
  double subjectShare = 0, subjectTokens = 0, backgroundShare = 0, backgroundTokens = 0, error = 0, inside = 0;
  void add(const model::WarpTrace& trace, const at::Tensor& tokenMask, const at::Tensor& boxes, const at::Tensor& present,
           const model::ImageGrid& grid) {
    const auto share = 1 - trace.weights.select(2, 0);  // [B, N]
    const auto subject = tokenMask.mean(2).gt(0.5).to(at::kFloat);
    subjectShare += (share * subject).sum().item<double>();
    subjectTokens += subject.sum().item<double>();
    backgroundShare += (share * (1 - subject)).sum().item<double>();
    backgroundTokens += (1 - subject).sum().item<double>();
    const auto targets = train::warpTargets(boxes, grid);
    const auto in = (targets.inside & present.unsqueeze(1)).to(at::kFloat);  // [B, N, K]
    const auto distance = (trace.offsets.narrow(3, 0, 2) - targets.offsets.narrow(3, 0, 2)).norm(2, 3) * 0.5;
    error += (distance * in).sum().item<double>();
    inside += in.sum().item<double>();
  }
  json toJson() const {
    return {{"copy_share_subject", subjectTokens > 0 ? subjectShare / subjectTokens : 0.0},
            {"copy_share_background", backgroundTokens > 0 ? backgroundShare / backgroundTokens : 0.0},
            {"lookup_error", inside > 0 ? error / inside : 0.0}};
  }
};

// Per-sample velocity MSE over all token values and over the subject-pixel values.
void appendLosses(const at::Tensor& predicted, const at::Tensor& target, const at::Tensor& mask, Losses& out) {
  const auto err = (predicted.to(at::kFloat) - target).square();
  const auto image = err.mean({1, 2});
  const auto subject = (err * mask).sum({1, 2}) / mask.sum({1, 2}).clamp_min(1.0);
  for (std::int64_t i = 0; i < err.size(0); ++i) {
    out.image.push_back(image[i].item<double>());
    out.subject.push_back(subject[i].item<double>());
  }
}

json compare(const std::vector<double>& with, const std::vector<double>& without, const ReferenceGainSettings& s) {
  std::vector<double> diff;
  double sumWith = 0, sumWithout = 0;
  for (std::size_t i = 0; i < with.size(); ++i) {
    diff.push_back(without[i] - with[i]);
    sumWith += with[i];
    sumWithout += without[i];
  }
  const double n = double(std::max<std::size_t>(1, with.size()));
  return {{"with_references", sumWith / n},
          {"without_references", sumWithout / n},
          {"gain", sumWithout > 0 ? 1.0 - sumWith / sumWithout : 0.0},
          {"difference", meanWithInterval(diff, s.bootstrap, s.seed ^ 0x5EEDull)}};
}

}  // namespace

json measureReferenceGain(model::Generator& generator, const world::WorldCatalog& catalog,
                          const ReferenceGainSettings& s) {
  if (s.samples <= 0 || s.batch <= 0) throw Error("reference gain: samples and batch must be positive", ErrorCode::InvalidArgument);
  at::InferenceMode inference;
  generator.dit->eval();
  generator.text->eval();
  const auto size = generator.config.codec.image_size;
  const auto codec = model::makeCodec(generator.config.codec);
  const model::ImageGrid grid{size / codec->pixelsPerToken(), size / codec->pixelsPerToken()};
  const auto positions = model::gridPositions(grid, 0);
  json report = json::object();
  for (const auto& task : s.tasks) {
    WorldSource source(catalog, taskOptions(task, s.heldout, s.cropReferences, int(size)), train::ReferenceMix::fromJson({{"2", 0.34}, {"3", 0.33}, {"4", 0.33}}), s.seed);
    json perT = json::object();
    for (const double t : s.timesteps) {
      Losses with, without;
      WarpUse warp;
      for (int done = 0, step = 0; done < s.samples; done += s.batch, ++step) {
        const auto b = std::min(s.batch, s.samples - done);
        auto batch = source.batch(step, b);
        const auto x0 = codec->encode(batch.target).tokens;
        const auto mask = codec->encode((batch.weights - 1).expand({-1, 3, -1, -1}).contiguous()).tokens;
        std::vector<std::uint64_t> seeds;
        for (int i = 0; i < b; ++i) seeds.push_back(s.seed * 1000003ull + std::uint64_t(done + i));
        const auto noise = flow::seededNoise(seeds, {x0.size(1), x0.size(2)});
        const auto ts = at::full({b}, t, at::kFloat);
        const auto xt = flow::interpolate(x0, noise, ts);
        const auto target = flow::velocityTarget(x0, noise);
        const auto text = model::encodePrompts(generator, batch.prompts);
        const auto hidden = at::zeros_like(batch.present);
        for (int pass = 0; pass < 2; ++pass) {
          auto refs = model::encodeReferenceImages(generator, *codec, batch.references, grid,
                                                   pass == 0 ? batch.present : hidden);
          model::WarpTrace trace;
          const bool traced = pass == 0 && generator.dit->reference_warp;
          const auto v = generator.dit->forward(xt, positions, ts, text, refs, {}, traced ? &trace : nullptr);
          appendLosses(v, target, mask, pass == 0 ? with : without);
          if (traced && trace.weights.defined()) warp.add(trace, mask, batch.boxes, batch.present, grid);
        }
      }
      char key[16];
      std::snprintf(key, sizeof key, "%.2f", t);
      perT[key] = {{"image", compare(with.image, without.image, s)}, {"subject", compare(with.subject, without.subject, s)}};
      if (generator.dit->reference_warp) perT[key]["warp"] = warp.toJson();
    }
    report[task] = perT;
  }
  return {{"tasks", report}, {"samples", s.samples}, {"split", s.heldout ? "heldout" : "train"}, {"seed", s.seed},
          {"crop_references", s.cropReferences}};
}

}  // namespace psr::train_data
