// LibTorch before Qt: Qt's `slots` macro breaks LibTorch headers included after it.
#include <ATen/ATen.h>
#include <torch/optim/adam.h>

#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <numeric>

#include "common/error.h"
#include "perceive/augment.h"
#include "perceive/checkpoint_io.h"
#include "perceive/detector.h"
#include "perceive/detector_loss.h"
#include "perceive/image_ops.h"
#include "perceive/position_rule.h"
#include "perceive/psr_reward.h"
#include "perceive/semantic_scorer.h"
#include "perceive/subject_features.h"
#include "perceive_data/copy_leakage.h"
#include "perceive_data/image_tensor.h"

using namespace psr::perceive;

Q_DECLARE_METATYPE(psr::perceive::SpatialRelation)

namespace {

Vocabulary tinyVocabulary() {
  Vocabulary v;
  v.categories = {{"1f980", {"crab"}}, {"1fad6", {"teapot"}}, {"1f431", {"cat"}}};
  v.accessories = {{"crown", {"crown"}}, {"top hat", {"top hat"}}, {"cap", {"cap"}}, {"graduation cap", {"graduation cap"}}};
  v.actions = {{"none", {}}, {"jumping", {"is jumping", "jumps into the air", "jumping"}}, {"sleeping", {"is sleeping"}}};
  v.backgrounds = {{"beach", {"on a beach"}}, {"volcano", {"near a volcano", "in front of a volcano"}}};
  return v;
}

/// A 32x32 random pattern, distinct per seed.
at::Tensor pattern(int seed) {
  at::manual_seed(seed);
  return at::rand({3, 32, 32});
}

Detection box(float x0, float y0, float x1, float y1, float confidence = 0.9f) {
  Detection d;
  d.x0 = x0, d.y0 = y0, d.x1 = x1, d.y1 = y1, d.confidence = confidence;
  return d;
}

/// Images of coloured squares: category k is colour k; boxes of random size and place.
DetectorTargets squares(int batch, at::Tensor& images) {
  images = at::full({batch, 3, 64, 64}, 0.5);
  std::vector<float> boxes;
  std::vector<std::int64_t> index, category, action;
  const float colours[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  for (int b = 0; b < batch; ++b) {
    const int k = b % 3, side = 12 + (b * 7) % 16, x = (b * 13) % (64 - side), y = (b * 29) % (64 - side);
    for (int c = 0; c < 3; ++c) images[b][c].slice(0, y, y + side).slice(1, x, x + side).fill_(colours[k][c]);
    boxes.insert(boxes.end(), {float(x), float(y), float(x + side), float(y + side)});
    index.push_back(b), category.push_back(k), action.push_back(0);
  }
  DetectorTargets t;
  t.boxes = at::tensor(boxes).view({-1, 4});
  t.imageIndex = at::tensor(index);
  t.category = at::tensor(category);
  t.accessories = at::zeros({batch, 1});
  t.action = at::tensor(action);
  t.background = at::zeros({batch}, at::kLong);
  return t;
}

GroundingDetectorOptions tinyDetector() {
  return GroundingDetectorOptions().width(8).classifier_width(8).categories(3).accessories(1).actions(2).backgrounds(1);
}

}  // namespace

class TestPerceive : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { at::set_num_threads(2); }

  void positionRule_data() {
    QTest::addColumn<SpatialRelation>("relation");
    QTest::addColumn<QVector<float>>("a");
    QTest::addColumn<QVector<float>>("b");
    QTest::addColumn<double>("size");
    QTest::addColumn<double>("expected");
    // dx, dy = centre of b minus centre of a; image y grows downwards.
    QTest::newRow("left of holds") << SpatialRelation::LeftOf << QVector<float>{0, 0, 10, 10} << QVector<float>{30, 0, 40, 10} << 64.0 << 1.0;
    QTest::newRow("left of wrong side") << SpatialRelation::LeftOf << QVector<float>{30, 0, 40, 10} << QVector<float>{0, 0, 10, 10} << 64.0 << 0.0;
    QTest::newRow("left of mostly vertical") << SpatialRelation::LeftOf << QVector<float>{0, 0, 10, 10} << QVector<float>{12, 30, 22, 40} << 64.0 << 0.0;
    QTest::newRow("right of holds") << SpatialRelation::RightOf << QVector<float>{30, 0, 40, 10} << QVector<float>{0, 0, 10, 10} << 64.0 << 1.0;
    QTest::newRow("above holds") << SpatialRelation::Above << QVector<float>{0, 0, 10, 10} << QVector<float>{0, 30, 10, 40} << 64.0 << 1.0;
    QTest::newRow("above wrong") << SpatialRelation::Above << QVector<float>{0, 30, 10, 40} << QVector<float>{0, 0, 10, 10} << 64.0 << 0.0;
    QTest::newRow("below holds") << SpatialRelation::Below << QVector<float>{0, 30, 10, 40} << QVector<float>{0, 0, 10, 10} << 64.0 << 1.0;
    QTest::newRow("next to near at 512") << SpatialRelation::NextTo << QVector<float>{0, 0, 50, 50} << QVector<float>{100, 0, 150, 50} << 512.0 << 1.0;
    QTest::newRow("next to far at 512") << SpatialRelation::NextTo << QVector<float>{0, 0, 50, 50} << QVector<float>{300, 300, 350, 350} << 512.0 << 0.5;
    // The same geometry scaled to 64 px scores the same: the 150 px threshold scales too.
    QTest::newRow("next to far at 64") << SpatialRelation::NextTo << QVector<float>{0, 0, 6.25, 6.25} << QVector<float>{37.5, 37.5, 43.75, 43.75} << 64.0 << 0.5;
    // IoU 1/3 -> penalty 0.1 / (1/3) = 0.3.
    QTest::newRow("iou penalty") << SpatialRelation::LeftOf << QVector<float>{0, 0, 20, 20} << QVector<float>{10, 0, 30, 20} << 64.0 << 0.3;
  }

  void positionRule() {
    QFETCH(SpatialRelation, relation);
    QFETCH(QVector<float>, a);
    QFETCH(QVector<float>, b);
    QFETCH(double, size);
    QFETCH(double, expected);
    const Rect ra{a[0], a[1], a[2], a[3]}, rb{b[0], b[1], b[2], b[3]};
    QVERIFY(std::abs(positionScore(relation, ra, rb, size) - expected) < 1e-6);
    QCOMPARE(positionScore(relation, std::nullopt, rb, size), 0.0);  // failed detection
    QCOMPARE(nearThreshold(512), 150.0);
    QCOMPARE(nearThreshold(64), 18.75);
  }

  void psrOfficialVsStrict() {
    at::manual_seed(3);
    SubjectFeatures features(SubjectFeaturesOptions().crop_margin(0.0));
    features->eval();
    // Two clearly different looks: a dark pattern and a bright one.
    const auto a = pattern(1) * 0.3, b = 0.7 + pattern(2) * 0.3;
    auto generated = at::full({1, 3, 64, 64}, 0.5);
    generated[0].slice(1, 16, 48).slice(2, 0, 32).copy_(a);
    generated[0].slice(1, 16, 48).slice(2, 32, 64).copy_(b);
    const auto refs = at::stack({a, b}, 0);
    const auto boxA = box(0, 16, 32, 48), boxB = box(32, 16, 64, 48, 0.8f);

    // Same category: the detector lists B first. Official takes boxes 0 and 1 in order; strict
    // finds the assignment that matches each subject to its own look.
    PsrSample same;
    same.subjects = {{0, 0, {boxB, boxA}, {}}, {0, 1, {boxB, boxA}, {}}};
    c10::InferenceMode guard;
    const auto official = psrReward(*features, generated, refs, {same}, PsrMode::Official).at(0);
    const auto strict = psrReward(*features, generated, refs, {same}, PsrMode::Strict).at(0);
    QVERIFY(strict.subjects[0].score > 0.999 && strict.subjects[1].score > 0.999);
    QVERIFY(official.subjects[0].score < strict.subjects[0].score - 1e-3);
    QVERIFY(strict.psr > official.psr);
    QCOMPARE(strict.subjects[0].generatedBox[0], 0.0f);

    // A subject the detector misses: official crops the whole image, strict scores 0.
    PsrSample missing;
    missing.subjects = {{0, 0, {boxA}, {}}, {1, 1, {box(32, 16, 64, 48, 0.1f)}, {}}};
    const auto o = psrReward(*features, generated, refs, {missing}, PsrMode::Official, 0.3).at(0);
    const auto s = psrReward(*features, generated, refs, {missing}, PsrMode::Strict, 0.3).at(0);
    QVERIFY(!o.subjects[1].found);
    QCOMPARE(o.subjects[1].generatedBox[2], 64.0f);
    QVERIFY(o.subjects[1].score != 0.0);
    QCOMPARE(s.subjects[1].score, 0.0);
    QVERIFY(s.subjects[0].score > 0.999);
    QVERIFY(std::abs(s.psr - s.subjects[0].score / 2) < 1e-9);
  }

  void bestAssignmentPicksLargestSum() {
    QCOMPARE(bestAssignment({{0.1, 0.9}, {0.8, 0.2}}), (std::vector<int>{1, 0}));
    QCOMPARE(bestAssignment({{0.5}, {0.9}}), (std::vector<int>{-1, 0}));
    QCOMPARE(bestAssignment({{0.2, 0.3, 0.9}}), (std::vector<int>{2}));
    QCOMPARE(bestAssignment({{}}), (std::vector<int>{-1}));
  }

  void instructionParsing() {
    const auto v = tinyVocabulary();
    auto r = parseInstruction("The crab is wearing a crown. Put a graduation cap on the teapot. The crab is to the left "
                              "of the teapot. Everything takes place near a volcano.", {0, 1}, v);
    QCOMPARE(r.subjects[0].accessories, (std::vector<std::int64_t>{0}));
    QCOMPARE(r.subjects[1].accessories, (std::vector<std::int64_t>{3}));
    QVERIFY(r.relation && r.relation->kind == SpatialRelation::LeftOf && r.relation->a == 0 && r.relation->b == 1);
    QCOMPARE(r.background, std::int64_t(1));
    // "near a volcano" is the background, not a relation.
    r = parseInstruction("Show the crab and the teapot together. The scene is set near a volcano.", {0, 1}, v);
    QVERIFY(!r.relation);
    QCOMPARE(r.background, std::int64_t(1));
    // T2I register, and ordinals for a repeated category.
    r = parseInstruction("A small teapot wearing a top hat sits under a large crab, on a beach.", {0, 1}, v);
    QCOMPARE(r.subjects[1].accessories, (std::vector<std::int64_t>{1}));
    QVERIFY(r.relation && r.relation->kind == SpatialRelation::Below && r.relation->a == 1 && r.relation->b == 0);
    r = parseInstruction("The first crab jumps into the air. Give the second crab a cap.", {0, 0}, v);
    QCOMPARE(r.subjects[0].action, std::int64_t(1));
    QCOMPARE(r.subjects[1].accessories, (std::vector<std::int64_t>{2}));
  }

  void semanticChecks() {
    const auto v = tinyVocabulary();
    SemanticRequirements req;
    req.subjects = {{0, {0}, 1}, {1, {}, -1}};
    req.background = 0;
    req.relation = RelationRequirement{0, 1, SpatialRelation::LeftOf};
    SceneObservation obs;
    obs.subjects.resize(2);
    obs.subjects[0] = {true, {0, 0, 10, 10}, {0.8f, 0, 0, 0}, {0.1f, 0.7f, 0.2f}};
    obs.subjects[1] = {true, {30, 0, 40, 10}, {0, 0, 0, 0}, {1, 0, 0}};
    obs.backgroundProbs = {0.6f, 0.4f};
    auto s = scoreSemantics(req, obs, v);
    QCOMPARE(int(s.checks.size()), 6);  // 2 present, accessory, action, background, position
    QVERIFY(std::abs(s.score - (1 + 0.8 + 0.7 + 1 + 0.6 + 1) / 6) < 1e-6);
    // A missing subject fails its presence, its asked facts and the relation.
    obs.subjects[0].found = false;
    s = scoreSemantics(req, obs, v);
    for (const auto& c : s.checks) {
      if (c.name.find("crab") != std::string::npos) QVERIFY2(!c.passed, c.name.c_str());
    }
    // A weak candidate counts in proportion to its confidence (presence threshold 0.3).
    obs.subjects[0].confidence = 0.15;
    s = scoreSemantics(req, obs, v);
    QVERIFY(std::abs(s.checks[0].score - 0.5) < 1e-9);
    QVERIFY(std::abs(s.checks[1].score - 0.4) < 1e-6);  // 0.5 x p(crown) 0.8
    QCOMPARE(s.checks.back().score, 0.0);  // no box at all: the relation cannot hold
    obs.subjects[0].hasBox = true;         // a weak candidate box: the relation at its presence
    s = scoreSemantics(req, obs, v);
    QVERIFY(std::abs(s.checks.back().score - 0.5) < 1e-9);
    // Position subset: the rule alone.
    obs.subjects[0].found = true;
    s = scoreSemantics(req, obs, v, true);
    QCOMPARE(int(s.checks.size()), 1);
    QCOMPARE(s.score, 1.0);
  }

  void categoryPhrases() {
    const auto v = tinyVocabulary();
    QCOMPARE(v.findCategory("The Crabs"), std::int64_t(0));
    QCOMPARE(v.findCategory("small teapot"), std::int64_t(1));
    QVERIFY_THROWS_EXCEPTION(psr::Error, v.findCategory("unicorn"));
    QVERIFY_THROWS_EXCEPTION(psr::Error, v.findCategory(""));
  }

  void detectorTrainingLowersLoss() {
    at::manual_seed(5);
    GroundingDetector model(tinyDetector());
    torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(3e-3));
    at::Tensor images;
    const auto targets = squares(12, images);
    const auto input = normaliseForModel(images);
    double first = 0, last = 0;
    for (int step = 0; step < 40; ++step) {
      opt.zero_grad();
      auto loss = detectorLoss(*model, model->forward(input), images, targets).total;
      loss.backward();
      opt.step();
      (step == 0 ? first : last) = loss.item<double>();
    }
    QVERIFY2(last < 0.7 * first, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
    // Decoding finds boxes for the queried category and keeps them inside the image.
    model->eval();
    c10::InferenceMode guard;
    const auto out = model->forward(input);
    const auto big = resizeSquare(images, 128);
    const auto dets = model->decode(out, big, {{0, 0}, {1, 1}}, 0.0, 6, 0.0);
    QCOMPARE(int(dets.size()), 2);
    QVERIFY(!dets[0].empty());
    for (const auto& list : dets) {
      for (const auto& d : list) QVERIFY(d.x0 >= 0 && d.x1 <= 128 && d.y0 >= 0 && d.y1 <= 128 && d.x0 <= d.x1);
    }
  }

  void featureTrainingLowersLoss() {
    at::manual_seed(6);
    SubjectFeatures model(SubjectFeaturesOptions().width(8).dim(16));
    torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(3e-3));
    std::vector<at::Tensor> crops;
    std::vector<std::int64_t> labels;
    for (int id = 0; id < 4; ++id) {
      const auto p = pattern(10 + id);
      for (int v = 0; v < 4; ++v) crops.push_back((p + 0.1 * at::randn_like(p)).clamp(0, 1)), labels.push_back(id);
    }
    const auto x = normaliseForModel(at::stack(crops, 0));
    const auto y = at::tensor(labels);
    double first = 0, last = 0;
    for (int step = 0; step < 30; ++step) {
      opt.zero_grad();
      auto loss = supConLoss(model->forward(x), y);
      loss.backward();
      opt.step();
      (step == 0 ? first : last) = loss.item<double>();
    }
    QVERIFY2(last < first, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
  }

  void checkpointRoundTrip() {
    QTemporaryDir dir;
    const std::filesystem::path file = dir.filePath("detector.safetensors").toStdString();
    at::manual_seed(7);
    GroundingDetector a(tinyDetector());
    a->eval();
    CheckpointInfo info{"detector", a->options.toJson(), {{"vocabulary", tinyVocabulary().toJson()}}};
    saveCheckpoint(file, *a, info);
    const auto read = readCheckpointInfo(file);
    QCOMPARE(read.kind, std::string("detector"));
    GroundingDetector b(GroundingDetectorOptions::fromJson(read.config));
    b->eval();
    loadCheckpoint(file, *b, "detector");
    QCOMPARE(Vocabulary::fromJson(read.extra.at("vocabulary")).categories.size(), std::size_t(3));
    c10::InferenceMode guard;
    const auto x = at::randn({2, 3, 64, 64});
    QVERIFY(at::allclose(a->forward(x).heat, b->forward(x).heat, 5e-2, 5e-2));  // fp16 storage
    SubjectFeatures wrongKind(SubjectFeaturesOptions{});
    QVERIFY_THROWS_EXCEPTION(psr::Error, loadCheckpoint(file, *wrongKind, "features"));
    GroundingDetector wrongShape(tinyDetector().categories(5));
    QVERIFY_THROWS_EXCEPTION(psr::Error, loadCheckpoint(file, *wrongShape, "detector"));
    QVERIFY_THROWS_EXCEPTION(psr::Error, readCheckpointInfo(dir.filePath("none.safetensors").toStdString()));
  }

  void actionReaderSeesTheWideCrop() {
    // Pixels just outside the category crop (8 % margin) but inside the action crop (40 %)
    // move the action logits and leave category and accessories alone; without an action
    // reader (the first shipped layout) they move nothing.
    at::manual_seed(8);
    SubjectClassifier wide(SubjectClassifierOptions().width(8).categories(3).accessories(2).actions(4).action_margin(0.4));
    SubjectClassifier tight(SubjectClassifierOptions().width(8).categories(3).accessories(2).actions(4));
    wide->eval(), tight->eval();
    c10::InferenceMode guard;
    const auto image = at::rand({1, 3, 64, 64});
    auto edited = image.clone();
    edited.slice(2, 17, 20).slice(3, 24, 40).fill_(1.0);  // a strip above the box, as a Zzz would be
    const auto boxes = at::tensor({24.f, 24.f, 40.f, 40.f}).view({1, 4});
    const auto index = at::zeros({1}, at::kLong);
    const auto a = wide->forward(image, boxes, index), b = wide->forward(edited, boxes, index);
    QVERIFY(at::equal(a.category, b.category));
    QVERIFY(at::equal(a.accessory, b.accessory));
    QVERIFY((a.action - b.action).abs().max().item<float>() > 1e-4f);
    const auto c = tight->forward(image, boxes, index), d = tight->forward(edited, boxes, index);
    QVERIFY(at::equal(c.action, d.action));
    QCOMPARE(a.action.sizes(), c.action.sizes());
  }

  void decodeReadsActionsOnlyWhereNeeded() {
    // With an action reader, decode() reads actions once per kept centre (two queries of one
    // image share its centres) and not at all for readActions = false (references).
    at::manual_seed(10);
    GroundingDetector det(tinyDetector().actions(4).action_margin(0.3));
    det->eval();
    c10::InferenceMode guard;
    const auto images = at::rand({3, 3, 64, 64});
    const auto out = det->forward(normaliseForModel(images));
    const std::vector<DetectionQuery> queries = {{0, 0}, {0, 1}, {1, 2}};  // image 2 is not queried
    det->resetWork();
    const auto found = det->decode(out, images, queries, 0.0, 3, 0.0, true);
    QCOMPARE(det->work().classified, std::int64_t(6));
    QCOMPARE(det->work().actionsRead, std::int64_t(6));
    for (const auto& detections : found) {
      QCOMPARE(detections.size(), std::size_t(3));
      for (const auto& d : detections) {
        QCOMPARE(d.actionProbs.size(), std::size_t(4));
        QVERIFY(std::abs(std::accumulate(d.actionProbs.begin(), d.actionProbs.end(), 0.0) - 1.0) < 1e-5);
      }
    }
    // The same centre under two queries: the same box and the same actions.
    for (const auto& a : found[0]) {
      const auto same = std::find_if(found[1].begin(), found[1].end(),
                                     [&](const Detection& b) { return a.x0 == b.x0 && a.y0 == b.y0 && a.x1 == b.x1; });
      QVERIFY(same != found[1].end());
      QVERIFY(a.actionProbs == same->actionProbs);
    }
    det->resetWork();
    const auto plain = det->decode(out, images, queries, 0.0, 3, 0.0, false);
    QCOMPARE(det->work().actionsRead, std::int64_t(0));
    for (std::size_t q = 0; q < plain.size(); ++q) {
      QCOMPARE(plain[q].size(), found[q].size());
      for (std::size_t i = 0; i < plain[q].size(); ++i) {
        QVERIFY(plain[q][i].actionProbs.empty());
        QCOMPARE(plain[q][i].confidence, found[q][i].confidence);
        QVERIFY(plain[q][i].accessoryProbs == found[q][i].accessoryProbs);
      }
    }
    det->resetWork();
    QVERIFY(det->decode(out, images, queries, 2.0, 3, 0.0, true)[0].empty());  // nothing kept: nothing read
    QCOMPARE(det->work().classified, std::int64_t(6));
    QCOMPARE(det->work().actionsRead, std::int64_t(0));
  }

  void grownModelInitialisesFromOlderCheckpoint() {
    QTemporaryDir dir;
    const std::filesystem::path file = dir.filePath("detector.safetensors").toStdString();
    at::manual_seed(9);
    GroundingDetector old(tinyDetector());
    saveCheckpoint(file, *old, {"detector", old->options.toJson(), {}});
    GroundingDetector grown(tinyDetector().action_margin(0.3));
    // A plain load names what does not fit; an initialisation lists it and loads the rest.
    QVERIFY_THROWS_EXCEPTION(psr::Error, loadCheckpoint(file, *grown, "detector"));
    std::vector<std::string> skipped;
    loadCheckpoint(file, *grown, "detector", &skipped);
    const auto has = [&](const std::string& what) { return std::find(skipped.begin(), skipped.end(), what) != skipped.end(); };
    QVERIFY(has("unexpected classifier.action.weight"));
    QVERIFY(has("missing classifier.action_reader.head.weight"));
    QVERIFY(!has("missing classifier.category.weight"));
    const auto o = old->named_parameters(), g = grown->named_parameters();
    QVERIFY(at::allclose(o["classifier.category.weight"], g["classifier.category.weight"], 1e-2, 1e-2));  // fp16 storage
    // The config keeps the margin; a config without it reads as the first layout.
    QCOMPARE(GroundingDetectorOptions::fromJson(grown->options.toJson()).action_margin(), 0.3);
    auto legacy = old->options.toJson();
    legacy.erase("action_margin");
    QCOMPARE(GroundingDetectorOptions::fromJson(legacy).action_margin(), 0.0);
    legacy["action_margin"] = -1;
    QVERIFY_THROWS_EXCEPTION(psr::Error, GroundingDetectorOptions::fromJson(legacy));
  }

  void copyPasteLeakage() {
    // A generated subject that is its reference pasted (crop distance 0) leaks; one as far
    // from the reference as the oracle render does not; a subject not found never does.
    at::manual_seed(10);
    const auto refs = at::rand({2, 3, 64, 64});
    auto generated = at::rand({2, 3, 64, 64});
    generated[0].slice(1, 8, 40).slice(2, 8, 40).copy_(refs[1].slice(1, 0, 32).slice(2, 0, 32));
    std::vector<RewardResult> results(2);
    std::vector<RewardRequest> requests(2);
    for (auto& r : results) {
      PsrSubjectScore s;
      s.found = true;
      s.generatedBox = {8, 8, 40, 40};
      s.referenceBox = {0, 0, 32, 32};
      r.psr.subjects = {s};
    }
    requests[0].references = {1};
    requests[1].references = {0};
    const auto d = psr::perceive_data::referenceCropDistances(generated, refs, results, requests);
    QCOMPARE(int(d.size()), 2);
    QVERIFY(d[0][0] < 1e-4);
    QVERIFY(d[1][0] > 0.2);  // two uniform random images differ by 1/3 on average
    QVERIFY(psr::perceive_data::leaks(d[0][0], true, 0.1));
    QVERIFY(!psr::perceive_data::leaks(d[0][0], false, 0.1));
    QVERIFY(!psr::perceive_data::leaks(d[1][0], true, d[1][0]));
  }

  void imageOps() {
    // A crop of a box aligned to pixels reproduces those pixels exactly.
    const auto img = at::rand({1, 3, 16, 16});
    const auto crop = cropAndResize(img, at::tensor({4.f, 2.f, 12.f, 10.f}).view({1, 4}), at::zeros({1}, at::kLong), 8);
    QVERIFY(at::allclose(crop[0], img[0].slice(1, 2, 10).slice(2, 4, 12), 1e-5, 1e-5));
    // Compression and blur keep a flat image flat.
    const auto flat = at::full({1, 3, 20, 20}, 0.25);
    QVERIFY(at::allclose(blockDctCompress(flat, 2.0), flat, 1e-2, 1e-2));
    QVERIFY(at::allclose(gaussianBlur(flat, 1.5), flat, 1e-4, 1e-4));
    QCOMPARE(boxIou(at::tensor({0.f, 0.f, 20.f, 20.f}).view({1, 4}), at::tensor({10.f, 0.f, 30.f, 20.f}).view({1, 4})).item<float>(), 1.0f / 3);
  }

  void badInputs() {
    using psr::world::Image;
    QVERIFY_THROWS_EXCEPTION(psr::Error, psr::perceive_data::imageToTensor(Image{}));
    QVERIFY_THROWS_EXCEPTION(psr::Error, toUnitFloat(at::zeros({1, 1, 8, 8})));
    // Grey, grey+alpha and RGBA all become RGB; transparent pixels turn white.
    Image grey(2, 2, 1), rgba(2, 2, 4), greyAlpha(2, 2, 2);
    grey.pixels = {0, 50, 100, 150};
    rgba.pixels.assign(16, 0);
    QCOMPARE(psr::perceive_data::imageToTensor(grey)[1][0][1].item<int>(), 50);
    QCOMPARE(psr::perceive_data::imageToTensor(rgba)[0][0][0].item<int>(), 255);
    QCOMPARE(psr::perceive_data::imageToTensor(greyAlpha).size(0), std::int64_t(3));
    // All-black image of an odd size: detection runs, official PSR falls back to the whole image.
    at::manual_seed(8);
    GroundingDetector det(tinyDetector());
    SubjectFeatures feat(SubjectFeaturesOptions().width(8).dim(16));
    det->eval();
    feat->eval();
    c10::InferenceMode guard;
    const auto black = at::zeros({1, 3, 37, 53}, at::kByte);
    const auto unit = toUnitFloat(black);
    const auto out = det->forward(normaliseForModel(resizeSquare(unit, 64)));
    const auto dets = det->decode(out, unit, {{0, 2}}, 0.99);
    PsrSample sample;
    sample.subjects = {{2, 0, dets[0], {}}};
    const auto score = psrReward(*feat, unit, unit, {sample}, PsrMode::Official, 0.99).at(0);
    QVERIFY(!score.subjects[0].found);
    QVERIFY(std::isfinite(score.psr));
    QVERIFY_THROWS_EXCEPTION(psr::Error, psrReward(*feat, unit, unit, {sample, sample}, PsrMode::Official));
  }
};

QTEST_APPLESS_MAIN(TestPerceive)
#include "test_perceive.moc"
