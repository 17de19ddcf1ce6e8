// The generator's world-rendered training data (core/train_data/world_source): task mix, noun
// dropout, subject weights, patch roughness and the reference-use probe (with tiny untrained
// models), on the hermetic fixture world (no artwork download).
// ATen before Qt: Qt's `slots` macro breaks LibTorch's headers.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "model/checkpoint.h"  // LibTorch modules: before Qt too
#include "model/model_config.h"
#include "model/reference_warp.h"
#include "perceive/detector.h"
#include "perceive/image_ops.h"
#include "train/sft_config.h"
#include "train/sft_trainer.h"
#include "train/warp_supervision.h"
#include "train_data/rl_world.h"  // perception models: LibTorch

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/logging.h"
#include "pipeline/scene_edits.h"
#include "pipeline/subset_mix.h"
#include "model/tokenizer.h"
#include "store/workspace.h"
#include "train_data/patch_roughness.h"
#include "train_data/reference_crop.h"
#include "train_data/reference_gain.h"
#include "train_data/world_source.h"
#include "world/asset_import.h"
#include "world/catalog.h"
#include "world_fixture.h"

namespace fs = std::filesystem;
namespace w = psr::world;
using psr::train_data::WorldSource;
using psr::train_data::WorldSourceOptions;

namespace {

bool hasWord(const std::string& text, const std::string& word) {
  std::string padded = " " + text + " ";
  for (char& ch : padded) ch = char(std::isalnum(static_cast<unsigned char>(ch)) ? std::tolower(ch) : ' ');
  return padded.find(" " + word + " ") != std::string::npos;
}

}  // namespace

class TestWorldSource : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void nounDropoutHidesEveryCategoryNoun();
  void withoutNounDropoutPromptsAreUnchanged();
  void nounDropoutIsValidated();
  void patchRoughnessSeesGrainInsidePatchesOnly();
  void subjectWeightMarksSubjectPixels();
  void referenceGainSeparatesCopyingFromIgnoring();
  void cropToSubjectFillsTheFrame();
  void referenceCropReachesTheBatch();
  void boxesMapTheReferenceOntoTheTarget();
  void warpSupervisionTrainsTheHead();
  void detectedBoxesAreTheLocatorsPeakInImagePixels();
  void rlPromptsGiveTheModelCroppedReferences();
  void rlPromptsFollowTheTaskMix();

 private:
  std::vector<std::string> prompts(const nlohmann::json& world, std::int64_t step, std::int64_t size);

  QTemporaryDir tmp_;
  std::unique_ptr<psr::store::Workspace> ws_;
  w::WorldCatalog catalog_;
};

void TestWorldSource::initTestCase() {
  QVERIFY(tmp_.isValid());
  psr::setConsoleLogLevel(spdlog::level::err);
  const fs::path dir(tmp_.path().toStdString());
  const auto lock = makeFixturePackages(dir / "npm");
  ws_ = psr::store::Workspace::create(dir / "ws");
  w::ImportOptions options;
  options.fromDir = dir / "npm";
  QVERIFY(!w::importAssets(*ws_, options, lock).skipped);
  catalog_ = w::WorldCatalog::load(*ws_);
  QVERIFY(catalog_.categories.size() >= 2);
}

std::vector<std::string> TestWorldSource::prompts(const nlohmann::json& world, std::int64_t step, std::int64_t size) {
  auto options = WorldSourceOptions::fromJson(world, 10, 16);
  WorldSource source(catalog_, options, psr::train::ReferenceMix::fromJson({{"2", 0.5}, {"3", 0.25}, {"4", 0.25}}), 9);
  return source.batch(step, size).prompts;
}

void TestWorldSource::nounDropoutHidesEveryCategoryNoun() {
  const nlohmann::json world = {{"t2i", 0}, {"copy", 0}, {"single", 1}, {"multi", 1}, {"noun_dropout", 1}, {"split", "all"}};
  const auto texts = prompts(world, 3, 12);
  QCOMPARE(int(texts.size()), 12);
  for (const auto& text : texts) {
    QVERIFY2(text.find("<unk>") != std::string::npos, text.c_str());
    for (const auto& category : catalog_.categories)
      QVERIFY2(!hasWord(text, category.noun), (category.noun + " in: " + text).c_str());
  }
  // "<unk>" reaches the model as the tokenizer's unknown token.
  const auto tokenizer = psr::model::WordTokenizer::fromCorpus({"the crab is jumping"}, 0);
  const auto ids = tokenizer.encode("Put the <unk> on a beach", 16);
  QCOMPARE(ids.at(3), psr::model::WordTokenizer::kUnk);
}

void TestWorldSource::withoutNounDropoutPromptsAreUnchanged() {
  const nlohmann::json plain = {{"t2i", 0.2}, {"copy", 0.2}, {"single", 0.3}, {"multi", 0.3}, {"split", "all"}};
  auto zero = plain;
  zero["noun_dropout"] = 0;
  auto half = plain;
  half["noun_dropout"] = 0.5;
  const auto a = prompts(plain, 4, 16), b = prompts(zero, 4, 16), c = prompts(half, 4, 16);
  QCOMPARE(a, b);  // a disabled dropout draws nothing, so older specs keep their data
  int masked = 0, named = 0;
  for (const auto& text : a) QVERIFY2(text.find("<unk>") == std::string::npos, text.c_str());
  for (const auto& text : c) (text.find("<unk>") != std::string::npos ? masked : named)++;
  QVERIFY2(masked > 0 && named > 0, ("masked " + std::to_string(masked) + ", named " + std::to_string(named)).c_str());
}

void TestWorldSource::nounDropoutIsValidated() {
  for (const double bad : {-0.1, 1.5})
    QVERIFY_THROWS_EXCEPTION(psr::Error, WorldSourceOptions::fromJson({{"single", 1}, {"noun_dropout", bad}}, 10, 16));
  QVERIFY_THROWS_EXCEPTION(psr::Error, WorldSourceOptions::fromJson({{"single", 1}, {"noun_dropout", "half"}}, 10, 16));
  const auto o = WorldSourceOptions::fromJson({{"single", 1}, {"noun_dropout", 0.25}}, 10, 16);
  QCOMPARE(o.toJson()["noun_dropout"].get<double>(), 0.25);
}

void TestWorldSource::patchRoughnessSeesGrainInsidePatchesOnly() {
  using psr::train_data::patchRoughness;
  // Flat 4 x 4 patches of different colours: every difference sits on a patch border.
  const auto blocks = at::arange(16, at::kFloat).view({1, 1, 4, 4}).repeat_interleave(4, 2).repeat_interleave(4, 3).repeat({2, 3, 1, 1});
  const auto flat = patchRoughness(blocks, 4);
  QCOMPARE(int(flat.size()), 2);
  QCOMPARE(flat[0], 0.0);
  // A one-pixel checkerboard: every inside pair differs by 1.
  const auto rows = at::arange(16, at::kLong).view({16, 1}), cols = at::arange(16, at::kLong).view({1, 16});
  const auto checker = (rows + cols).remainder(2).to(at::kFloat).view({1, 1, 16, 16}).expand({1, 3, 16, 16});
  QCOMPARE(patchRoughness(checker, 4)[0], 1.0);
  // Grain in one image of a batch shows in that image only, and scales with its amplitude.
  auto gen = at::make_generator<at::CPUGeneratorImpl>(3);
  auto grain = blocks.clone();
  grain[1] += at::randn({3, 16, 16}, gen) * 0.1;
  const auto r = patchRoughness(grain, 4);
  QCOMPARE(r[0], 0.0);
  QVERIFY2(r[1] > 0.05 && r[1] < 0.2, std::to_string(r[1]).c_str());
  QVERIFY_THROWS_EXCEPTION(psr::Error, patchRoughness(at::zeros({3, 16, 16}), 4));
}

void TestWorldSource::subjectWeightMarksSubjectPixels() {
  const nlohmann::json plain = {{"t2i", 0.5}, {"single", 0.5}, {"split", "all"}};
  auto weighted = plain;
  weighted["subject_weight"] = 4;
  const auto options = WorldSourceOptions::fromJson(weighted, 10, 32);
  WorldSource a(catalog_, options, psr::train::ReferenceMix::fromJson({{"2", 1.0}}), 9);
  WorldSource b(catalog_, WorldSourceOptions::fromJson(plain, 10, 32), psr::train::ReferenceMix::fromJson({{"2", 1.0}}), 9);
  const auto wb = a.batch(2, 6), pb = b.batch(2, 6);
  QVERIFY(!pb.weights.defined());  // uniform: the plain loss, as before the option existed
  QVERIFY(wb.weights.defined());
  QCOMPARE(wb.weights.sizes().vec(), (std::vector<std::int64_t>{6, 1, 32, 32}));
  QVERIFY(at::equal(wb.target, pb.target));  // the weights draw nothing from the sample's stream
  // Only 1 (background) and 4 (subject) occur; every sample has some of each.
  QVERIFY(at::logical_or(wb.weights.eq(1), wb.weights.eq(4)).all().item<bool>());
  for (std::int64_t i = 0; i < 6; ++i) {
    const double share = wb.weights[i].eq(4).to(at::kFloat).mean().item<double>();
    QVERIFY2(share > 0.005 && share < 0.9, std::to_string(share).c_str());
  }
  for (const double bad : {0.5, 200.0})
    QVERIFY_THROWS_EXCEPTION(psr::Error, WorldSourceOptions::fromJson({{"single", 1}, {"subject_weight", bad}}, 10, 16));
}


// The reference-use probe: a fresh model (adaLN-zero: its output ignores every input) gains
// exactly nothing from its references, and a pointer head forced to copy the reference patch
// at the same place predicts the subject pixels of the in-place copy task far better with them.
void TestWorldSource::referenceGainSeparatesCopyingFromIgnoring() {
  auto config = psr::model::modelPreset("tiny");
  config.dit.prediction = psr::model::Prediction::X0;
  WorldSource source(catalog_, WorldSourceOptions{}, psr::train::ReferenceMix::fromJson({{"2", 1.0}}), 3);
  const auto tokenizer = psr::model::WordTokenizer::fromCorpus(source.corpus(), 256);
  psr::train_data::ReferenceGainSettings s;
  s.tasks = {"copy", "single"};
  s.timesteps = {0.5};
  s.samples = 8;
  s.batch = 4;
  s.heldout = false;  // the fixture world's few categories may hold none out
  s.bootstrap = 50;

  auto fresh = psr::model::createGenerator(config, tokenizer);
  const auto ignoring = psr::train_data::measureReferenceGain(fresh, catalog_, s);
  for (const char* task : {"copy", "single"}) {
    const auto& r = ignoring["tasks"][task]["0.50"];
    QCOMPARE(r["image"]["with_references"].get<double>(), r["image"]["without_references"].get<double>());
    QCOMPARE(r["subject"]["gain"].get<double>(), 0.0);
    QVERIFY(r["subject"]["without_references"].get<double>() > 0);
  }

  auto copying = psr::model::withReferenceCopy(psr::model::createGenerator(config, tokenizer));
  {
    at::NoGradGuard noGrad;
    auto& head = *copying.dit->reference_copy;
    head.query->weight.zero_();
    head.key->weight.zero_();  // constant queries and keys: the positional head matches places only
    head.gate->weight.zero_();
    head.gate->bias.copy_(at::tensor({-30.0f, 30.0f, -30.0f}));
  }
  const auto report = psr::train_data::measureReferenceGain(copying, catalog_, s);
  const auto& copy = report["tasks"]["copy"]["0.50"]["subject"];
  QVERIFY2(copy["gain"].get<double>() > 0.5, copy.dump().c_str());
  QVERIFY(copy["difference"]["lo"].get<double>() > 0);
  QCOMPARE(report["split"].get<std::string>(), std::string("train"));
  const auto err = [&] {
    try {
      auto bad = s;
      bad.tasks = {"paste"};
      psr::train_data::measureReferenceGain(copying, catalog_, bad);
    } catch (const psr::Error& e) {
      return std::string(e.what());
    }
    return std::string();
  }();
  QVERIFY2(err.find("copy, single or multi") != std::string::npos, err.c_str());
}

// A 10 x 6 px red box at the canvas edge: the square crop (side 12 with a 10 % margin) moves
// inside the image, keeps the box whole, and the box fills most of the resized frame.
void TestWorldSource::cropToSubjectFillsTheFrame() {
  auto image = at::zeros({3, 32, 32});
  image[0].narrow(0, 1, 6).narrow(1, 22, 10).fill_(1.0f);  // rows 1..6, columns 22..31
  const w::PixelBox box{22, 1, 32, 7};
  const auto crop = psr::train_data::cropToSubject(image, box);
  QCOMPARE(crop.sizes(), image.sizes());
  const double share = crop[0].gt(0.5).to(at::kFloat).mean().item<double>();
  // 60 of the crop's 144 pixels are red: ~42 % of the frame (the input had 6 %).
  QVERIFY2(share > 0.35 && share < 0.5, std::to_string(share).c_str());
  QVERIFY(crop[0][16][31].item<float>() > 0.5f);  // the box reaches the right edge of the crop
  QVERIFY(crop[0][31][0].item<float>() < 0.5f);   // and not the bottom rows
  QVERIFY(at::equal(psr::train_data::cropToSubject(image, w::PixelBox{}), image));
}

void TestWorldSource::referenceCropReachesTheBatch() {
  const nlohmann::json plain = {{"t2i", 0}, {"copy", 0}, {"single", 1}, {"split", "all"}};
  auto cropped = plain;
  cropped["reference_crop"] = true;
  const auto mix = psr::train::ReferenceMix::fromJson({{"2", 1.0}});
  WorldSource a(catalog_, WorldSourceOptions::fromJson(plain, 10, 32), mix, 4);
  WorldSource b(catalog_, WorldSourceOptions::fromJson(cropped, 10, 32), mix, 4);
  const auto ba = a.batch(0, 4), bb = b.batch(0, 4);
  QVERIFY(at::equal(ba.target, bb.target));  // same scenes, only the references differ
  QVERIFY(!at::equal(ba.references[0], bb.references[0]));
  QVERIFY(b.describe()["tasks"]["reference_crop"].get<bool>());
  auto bad = plain;
  bad["reference_crop"] = "yes";
  try {
    WorldSourceOptions::fromJson(bad, 10, 32);
    QFAIL("a non-boolean reference_crop was accepted");
  } catch (const psr::Error& e) {
    QVERIFY(std::string(e.what()).find("reference_crop") != std::string::npos);
  }
}

// In-place copies cut to their subject: the batch's boxes give the warp head's ideal lookup
// (train/warp_supervision.h), and sampling the cropped reference there redraws the target's
// subject pixels far better than the same-place lookup does.
void TestWorldSource::boxesMapTheReferenceOntoTheTarget() {
  const nlohmann::json world = {{"t2i", 0}, {"copy", 1}, {"reference_crop", true}, {"subject_weight", 2}, {"split", "all"}};
  WorldSource source(catalog_, WorldSourceOptions::fromJson(world, 10, 32), psr::train::ReferenceMix::fromJson({{"2", 1.0}}), 6);
  const auto batch = source.batch(0, 6);
  QVERIFY(batch.boxes.defined());
  QCOMPARE(batch.boxes.sizes(), (at::IntArrayRef{6, 1, 8}));
  // The subject's reference box fills most of the crop frame (10 % margin each side).
  const auto refW = batch.boxes.select(2, 6) - batch.boxes.select(2, 4);
  QVERIFY2(refW.min().item<double>() > 0.6, std::to_string(refW.min().item<double>()).c_str());
  const psr::model::ImageGrid grid{8, 8};
  const auto targets = psr::train::warpTargets(batch.boxes, grid);
  QVERIFY(targets.inside.sum().item<std::int64_t>() >= 6);
  const auto decode = [](const at::Tensor& tokens) {  // [B, 64, 48] -> [B, 3, 32, 32]
    return tokens.reshape({-1, 8, 8, 3, 4, 4}).permute({0, 3, 1, 4, 2, 5}).reshape({-1, 3, 32, 32});
  };
  const auto warped = decode(psr::model::ReferenceWarpImpl::warpedCopies({batch.references[0]}, targets.offsets, grid, 4).select(2, 0));
  const auto inPlace = decode(psr::model::ReferenceWarpImpl::warpedCopies({batch.references[0]}, at::zeros_like(targets.offsets), grid, 4).select(2, 0));
  // Subject pixels (weight 2) of tokens inside their box.
  const auto tokenInside = targets.inside.select(2, 0).to(at::kFloat).view({-1, 1, 8, 1, 8, 1}).expand({-1, 1, 8, 4, 8, 4}).reshape({-1, 1, 32, 32});
  const auto mask = (batch.weights.gt(1.5).to(at::kFloat) * tokenInside).expand({-1, 3, -1, -1});
  const auto error = [&](const at::Tensor& image) { return ((image - batch.target).abs() * mask).sum().item<double>() / mask.sum().item<double>(); };
  const double warpError = error(warped), inPlaceError = error(inPlace);
  QVERIFY2(warpError < 0.5 * inPlaceError && warpError < 0.2,
           (std::to_string(warpError) + " vs " + std::to_string(inPlaceError)).c_str());
  // Each slot's mask is its subject's pixels in the target: inside its target box, touching
  // every side of it (the box is the mask's exact bounds), and covering its weighted pixels.
  QCOMPARE(batch.masks.sizes(), (at::IntArrayRef{6, 1, 32, 32}));
  for (std::int64_t i = 0; i < 6; ++i) {
    const auto m = batch.masks[i][0];
    const auto rows = m.sum(1).nonzero().view(-1), cols = m.sum(0).nonzero().view(-1);
    QVERIFY(rows.numel() > 0);
    const auto box = batch.boxes[i][0] * 32;
    QCOMPARE(cols.min().item<double>(), std::round(box[0].item<double>()));
    QCOMPARE(rows.min().item<double>(), std::round(box[1].item<double>()));
    QCOMPARE(cols.max().item<double>() + 1, std::round(box[2].item<double>()));
    QCOMPARE(rows.max().item<double>() + 1, std::round(box[3].item<double>()));
    QVERIFY(at::equal(m.gt(0.5), batch.weights[i][0].gt(1.5)));
  }
}

// A fresh tiny model with the warp head learns the supervised lookup within tens of steps (the
// fitted head with mask labels too), and a spec asking for the
// supervision without the head, or for unknown gate labels, is refused.
void TestWorldSource::warpSupervisionTrainsTheHead() {
  QTemporaryDir dir;
  auto model = psr::model::modelPreset("tiny");
  model.dit.prediction = psr::model::Prediction::X0;
  model.dit.reference_warp = true;
  const nlohmann::json world = {{"t2i", 0}, {"copy", 0.3}, {"single", 0.7}, {"reference_crop", true}, {"split", "all"}};
  nlohmann::json spec = {{"model", model}, {"data", {{"world", world}}}, {"references", {{"2", 1.0}}},
                         {"steps", 60}, {"batch", 4}, {"lr", 3e-3}, {"warmup", 0}, {"warp_supervision", 1.0},
                         {"log_every", 10}, {"checkpoint_every", 1000}, {"sample_every", 0}, {"sample_count", 1},
                         {"sample_steps", 2}, {"threads", 1}, {"seed", 5}, {"out", dir.path().toStdString() + "/run"}};
  const auto config = psr::train::SftConfig::fromJson(spec);
  WorldSource source(catalog_, WorldSourceOptions::fromJson(world, 60, 16), config.references, 5);
  const auto trainedLosses = [&](const psr::train::SftConfig& job) {
    std::map<std::string, std::vector<double>> logged;
    psr::train::SftHooks hooks;
    hooks.onMetrics = [&](std::int64_t, std::int64_t, const std::map<std::string, double>& m) {
      for (const char* key : {"warp_loss", "warp_gate_loss"})
        if (m.count(key)) logged[key].push_back(m.at(key));
    };
    psr::train::runSft(job, source, hooks);
    return logged;
  };
  const auto warpLoss = trainedLosses(config)["warp_loss"];
  // The checkpoint records that its references were cropped, so generation crops a user's.
  QVERIFY(psr::model::loadGenerator(psr::train::latestCheckpoint(dir.path().toStdString() + "/run")).config.reference_crop);
  QCOMPARE(int(warpLoss.size()), 6);
  QVERIFY2(warpLoss.back() < 0.85 * warpLoss.front(),
           (std::to_string(warpLoss.front()) + " -> " + std::to_string(warpLoss.back())).c_str());
  // The fitted head with a mask-labelled gate: the tokens' lookups the map is fitted to learn, and
  // the gate's loss is the masks' (a box-labelled twin logs a different one for the same steps).
  auto shared = spec;
  shared["model"]["dit"]["reference_warp_pool"] = "fit";
  shared["warp_gate_supervision"] = 1.0;
  shared["warp_gate_labels"] = "mask";
  shared["out"] = dir.path().toStdString() + "/shared";
  auto sharedLosses = trainedLosses(psr::train::SftConfig::fromJson(shared));
  const auto& maps = sharedLosses["warp_loss"];
  QCOMPARE(int(maps.size()), 6);
  QVERIFY2(maps.back() < 0.9 * maps.front(), (std::to_string(maps.front()) + " -> " + std::to_string(maps.back())).c_str());
  auto boxed = shared;
  boxed["warp_gate_labels"] = "box";
  boxed["out"] = dir.path().toStdString() + "/boxed";
  const double boxGate = trainedLosses(psr::train::SftConfig::fromJson(boxed))["warp_gate_loss"].at(0);
  const double maskGate = sharedLosses["warp_gate_loss"].at(0);
  QVERIFY2(std::abs(boxGate - maskGate) > 0.01 * maskGate, (std::to_string(boxGate) + " vs " + std::to_string(maskGate)).c_str());
  auto badLabels = shared;
  badLabels["warp_gate_labels"] = "outline";
  try {
    psr::train::SftConfig::fromJson(badLabels);
    QFAIL("warp_gate_labels \"outline\" was accepted");
  } catch (const psr::Error& e) {
    QVERIFY2(std::string(e.what()).find("warp_gate_labels") != std::string::npos, e.what());
  }
  auto plain = spec;
  plain["model"]["dit"]["reference_warp"] = false;
  plain["out"] = dir.path().toStdString() + "/plain";
  const auto plainConfig = psr::train::SftConfig::fromJson(plain);
  try {
    psr::train::runSft(plainConfig, source, {});
    QFAIL("warp_supervision without the warp head was accepted");
  } catch (const psr::Error& e) {
    QVERIFY2(std::string(e.what()).find("warp head") != std::string::npos, e.what());
  }
}

// What generation gives a `reference_crop` model: each reference cut at the locator's strongest
// centre, mapped from the detector's input (64 px) to the image's pixels (32 px: half); no box
// below the objectness floor, and then the image stays whole.
void TestWorldSource::detectedBoxesAreTheLocatorsPeakInImagePixels() {
  at::manual_seed(5);
  psr::perceive::GroundingDetector detector(psr::perceive::GroundingDetectorOptions().width(8).classifier_width(8));
  detector->eval();
  std::vector<at::Tensor> images = {at::rand({3, 32, 32}) * 2 - 1, at::rand({3, 32, 32}) * 2 - 1};
  const auto boxes = psr::train_data::detectSubjectBoxes(*detector, images, 0.0);
  QCOMPARE(boxes.size(), std::size_t(2));
  at::Tensor peakBoxes;
  {
    at::NoGradGuard ng;
    const auto unit = at::stack({images[0], images[1]}).add(1).mul(0.5);
    const auto input = psr::perceive::normaliseForModel(psr::perceive::resizeSquare(unit, 64));
    peakBoxes = detector->peaks(detector->forward(input), 1).first;
  }
  for (std::size_t i = 0; i < 2; ++i) {
    const auto b = peakBoxes[std::int64_t(i)][0];
    QVERIFY(!boxes[i].empty());
    QCOMPARE(boxes[i].x0, int(std::clamp(std::lround(b[0].item<double>() / 2), 0L, 32L)));
    QCOMPARE(boxes[i].y1, int(std::clamp(std::lround(b[3].item<double>() / 2), 0L, 32L)));
    QVERIFY(boxes[i].x1 <= 32 && boxes[i].y1 <= 32 && boxes[i].x0 >= 0 && boxes[i].y0 >= 0);
  }
  std::vector<w::PixelBox> used;
  const auto cropped = psr::train_data::cropToDetectedSubjects(*detector, images, &used);
  QCOMPARE(used.size(), std::size_t(2));
  QVERIFY(at::equal(cropped[0], psr::train_data::cropToSubject(images[0], used[0])));
  QVERIFY(!at::equal(cropped[0], images[0]));
  for (const auto& box : psr::train_data::detectSubjectBoxes(*detector, images, 1.01)) QVERIFY(box.empty());
  try {
    psr::train_data::detectSubjectBoxes(*detector, {at::zeros({32, 32})});
    QFAIL("a 2-d reference was accepted");
  } catch (const psr::Error& e) {
    QVERIFY2(std::string(e.what()).find("[3, H, W]") != std::string::npos, e.what());
  }
}

// RL prompts for a `reference_crop` policy: the same scenes and whole references for the
// reward, plus each reference cut to its subject for the model.
void TestWorldSource::rlPromptsGiveTheModelCroppedReferences() {
  const auto mix = psr::train::ReferenceMix::fromJson({{"2", 1.0}});
  psr::train_data::WorldPrompts plain(catalog_, mix, 3, 32), cropped(catalog_, mix, 3, 32, true);
  const auto a = plain.prompts(0, 2), b = cropped.prompts(0, 2);
  QCOMPARE(b.size(), std::size_t(2));
  for (std::size_t i = 0; i < 2; ++i) {
    QCOMPARE(a[i].text, b[i].text);
    QVERIFY(a[i].modelReferences.empty());
    QCOMPARE(b[i].modelReferences.size(), b[i].references.size());
    for (std::size_t k = 0; k < b[i].references.size(); ++k) {
      QVERIFY(at::equal(a[i].references[k], b[i].references[k]));
      QVERIFY(!at::equal(b[i].modelReferences[k], b[i].references[k]));
    }
  }
  QVERIFY(cropped.describe()["reference_crop"].get<bool>());
}

// RL prompts drawn like PSRBench items: each epoch one task type from the mix, scenes from the
// data pipeline's planner and edit, with the task's subject count (3 here where the generic mix says 2).
void TestWorldSource::rlPromptsFollowTheTaskMix() {
  namespace pp = psr::pipeline;
  const auto mix = psr::train::ReferenceMix::fromJson({{"2", 1.0}});
  std::vector<pp::Subset> served;
  for (pp::Subset s : pp::kAllSubsets) {
    try {
      pp::checkCatalogServes(s, w::Split::Train, catalog_);
      served.push_back(s);
    } catch (const psr::Error&) {
    }
  }
  // The fixture serves at least a two- and a three-subject task, so both counts are checked.
  QVERIFY(std::find(served.begin(), served.end(), pp::Subset::Background) != served.end());
  QVERIFY(std::find(served.begin(), served.end(), pp::Subset::Three) != served.end());

  pp::SubsetMix tasks = pp::SubsetMix::fromJson({{"background", 0.5}, {"three", 0.5}});
  psr::train_data::WorldPrompts generic(catalog_, mix, 5, 32), planned(catalog_, mix, 5, 32), again(catalog_, mix, 5, 32);
  planned.drawTasks(tasks);
  again.drawTasks(tasks);
  std::map<std::string, int> seen;
  for (std::int64_t epoch = 0; epoch < 24; ++epoch) {
    const auto a = planned.prompts(epoch, 2), b = again.prompts(epoch, 2), g = generic.prompts(epoch, 2);
    const std::string task = a[0].meta.at("task");
    ++seen[task];
    for (std::size_t i = 0; i < a.size(); ++i) {
      QCOMPARE(a[i].meta.at("task").get<std::string>(), task);  // one task per epoch
      QCOMPARE(a[i].references.size(), std::size_t(task == "three" ? 3 : 2));
      QCOMPARE(a[i].meta.at("categories").size(), a[i].references.size());
      QCOMPARE(a[i].text, b[i].text);  // deterministic in (seed, epoch)
      QVERIFY(!g[i].meta.contains("task"));
    }
  }
  QCOMPARE(int(seen.size()), 2);
  QCOMPARE(planned.describe()["tasks"], tasks.toJson());
  QVERIFY(!planned.describe().contains("subjects"));
  QVERIFY(generic.describe().contains("subjects"));

  // A task the catalog cannot serve is refused before any prompt is drawn.
  for (pp::Subset s : pp::kAllSubsets) {
    if (std::find(served.begin(), served.end(), s) != served.end()) continue;
    psr::train_data::WorldPrompts p(catalog_, mix, 5, 32);
    bool refused = false;
    try {
      p.drawTasks(pp::SubsetMix::fromJson({{pp::subsetName(s), 1.0}}));
    } catch (const psr::Error& e) {
      refused = e.code() == psr::ErrorCode::InvalidArgument;
    }
    QVERIFY2(refused, pp::subsetName(s));
  }
}

QTEST_GUILESS_MAIN(TestWorldSource)
#include "test_world_source.moc"
