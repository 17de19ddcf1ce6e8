// Emoji world: tar reader, asset import, catalog rules, splits, scenes, renderer, prompts.
// Hermetic: the npm packages are replaced by small fixture tarballs built in world_fixture.cpp.
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <fstream>
#include <functional>
#include <set>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "common/error.h"
#include "common/logging.h"
#include "store/workspace.h"
#include "world/asset_import.h"
#include "world/catalog.h"
#include "world/catalog_rules.h"
#include "world/image_codec.h"
#include "world/prompts.h"
#include "world/renderer.h"
#include "world/scene_sampler.h"
#include "world/tar_reader.h"
#include "world_fixture.h"

using psr::Error;
using psr::ErrorCode;
namespace fs = std::filesystem;
namespace w = psr::world;

namespace {

std::pair<ErrorCode, std::string> failureOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return {e.code(), e.what()};
  }
  return {ErrorCode::Generic, "no error"};
}

std::vector<std::pair<std::string, std::string>> readAll(const fs::path& tgz) {
  w::TarGzReader tar(tgz);
  std::vector<std::pair<std::string, std::string>> out;
  w::TarEntry e;
  while (tar.next(e)) out.emplace_back(e.path, tar.readData());
  return out;
}

w::Scene twoSubjects() {
  w::Scene s;
  s.background = "meadow";
  s.subjects.push_back({"google/1f980", {0.05, 0.5, 0.4, 0.4}, w::SubjectSize::Large, "jumping", {"crown"}, 0});
  s.subjects.push_back({"openmoji/1fad6", {0.6, 0.6, 0.3, 0.3}, w::SubjectSize::Small, "", {}, 1});
  s.relations.push_back({0, 1, w::RelationKind::LeftOf});
  return s;
}

}  // namespace

class TestWorld : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void tarReadsUstarPrefixAndPax();
  void tarTruncatedArchiveIsCorrupt();
  void tarBadChecksumIsCorrupt();
  void codepointKeysMatchVendors();
  void catalogRulesPickSubjects();
  void splitIsStableAndAboutOneFifth();
  void importBuildsCatalogAndAssets();
  void importIsIdempotent();
  void importRefusesCorruptOrMissingTarball();
  void sceneJsonRoundTrip();
  void sceneValidationErrors_data();
  void sceneValidationErrors();
  void compositingIsExact();
  void rendererIsDeterministic();
  void masksAndBoxesAreExact();
  void referenceSceneChangesContext();
  void instructionsNameCategoriesNotLooks();
  void imageHeadersAreRead();
  void absurdImageSizesAreRefusedBeforeDecoding();
  void otherImageFormatsAndDamageAreRefused();
  void sceneTextLimits();

 private:
  QTemporaryDir tmp_;
  fs::path dir_;
  w::AssetLock lock_;
  std::unique_ptr<psr::store::Workspace> ws_;
  w::WorldCatalog catalog_;
};

void TestWorld::initTestCase() {
  QVERIFY(tmp_.isValid());
  psr::setConsoleLogLevel(spdlog::level::err);  // the fixtures lack most artwork on purpose
  dir_ = fs::path(tmp_.path().toStdString());
  lock_ = makeFixturePackages(dir_ / "npm");
  ws_ = psr::store::Workspace::create(dir_ / "ws");
  w::ImportOptions options;
  options.fromDir = dir_ / "npm";
  const auto report = w::importAssets(*ws_, options, lock_);
  QVERIFY(!report.skipped);
  catalog_ = w::WorldCatalog::load(*ws_);
}

void TestWorld::tarReadsUstarPrefixAndPax() {
  const std::string longDir(120, 'd');
  const std::string paxName = "package/" + std::string(130, 'p') + "/file.txt";
  const std::string prefixName = "package/" + longDir + "/img.png";
  const std::string data(1000, 'x');
  writeBytes(dir_ / "pax.tgz", gzipBytes(makeTar({{"package/a.json", "{}"}, {paxName, data}, {"package/empty", ""}})));
  writeBytes(dir_ / "prefix.tgz", gzipBytes(makeTar({{prefixName, "png"}}, true)));
  const auto pax = readAll(dir_ / "pax.tgz");
  QCOMPARE(int(pax.size()), 3);
  QCOMPARE(QString::fromStdString(pax[0].first), QStringLiteral("package/a.json"));
  QCOMPARE(pax[0].second, std::string("{}"));
  QCOMPARE(QString::fromStdString(pax[1].first), QString::fromStdString(paxName));
  QCOMPARE(pax[1].second, data);
  QCOMPARE(pax[2].second, std::string());
  const auto prefix = readAll(dir_ / "prefix.tgz");
  QCOMPARE(int(prefix.size()), 1);
  QCOMPARE(QString::fromStdString(prefix[0].first), QString::fromStdString(prefixName));

  // Entries that are not read are skipped correctly.
  w::TarGzReader tar(dir_ / "pax.tgz");
  w::TarEntry e;
  QVERIFY(tar.next(e));
  QVERIFY(tar.next(e));
  QVERIFY(tar.next(e));
  QCOMPARE(QString::fromStdString(e.path), QStringLiteral("package/empty"));
  QVERIFY(!tar.next(e));
}

void TestWorld::tarTruncatedArchiveIsCorrupt() {
  const std::string tar = makeTar({{"package/big.bin", std::string(5000, 'b')}});
  writeBytes(dir_ / "cut-tar.tgz", gzipBytes(tar.substr(0, 2048)));
  QCOMPARE(failureOf([&] { readAll(dir_ / "cut-tar.tgz"); }).first, ErrorCode::Corrupt);
  const std::string gz = gzipBytes(tar);
  writeBytes(dir_ / "cut-gz.tgz", gz.substr(0, gz.size() / 2));
  const auto [code, message] = failureOf([&] { readAll(dir_ / "cut-gz.tgz"); });
  QCOMPARE(code, ErrorCode::Corrupt);
  QVERIFY2(message.find("cut-gz.tgz") != std::string::npos, message.c_str());
  writeBytes(dir_ / "plain.tgz", tar);
  QCOMPARE(failureOf([&] { readAll(dir_ / "plain.tgz"); }).first, ErrorCode::Corrupt);
  QCOMPARE(failureOf([&] { readAll(dir_ / "absent.tgz"); }).first, ErrorCode::NotFound);
}

void TestWorld::tarBadChecksumIsCorrupt() {
  std::string tar = makeTar({{"package/a", "abc"}});
  tar[10] = 'Z';  // inside the name field, covered by the header checksum
  writeBytes(dir_ / "badsum.tgz", gzipBytes(tar));
  const auto [code, message] = failureOf([&] { readAll(dir_ / "badsum.tgz"); });
  QCOMPARE(code, ErrorCode::Corrupt);
  QVERIFY(message.find("checksum") != std::string::npos);
}

void TestWorld::codepointKeysMatchVendors() {
  QCOMPARE(QString::fromStdString(w::codepointKey("2708-FE0F")), QStringLiteral("2708"));
  QCOMPARE(QString::fromStdString(w::codepointKey("1f43b-200d-2744-fe0f")), QStringLiteral("1f43b-200d-2744"));
  QCOMPARE(QString::fromStdString(w::codepointKey("1F980")), QStringLiteral("1f980"));
}

void TestWorld::catalogRulesPickSubjects() {
  const std::vector<w::EmojiRecord> emoji = {
      {"1F436", "DOG FACE", "dog", "Animals & Nature", "animal-mammal", 1},
      {"1F415", "DOG", "dog2", "Animals & Nature", "animal-mammal", 2},
      {"1F43B", "BEAR FACE", "bear", "Animals & Nature", "animal-mammal", 3},
      {"1F34E", "RED APPLE", "apple", "Food & Drink", "food-fruit", 4},
      {"1F34F", "GREEN APPLE", "green_apple", "Food & Drink", "food-fruit", 5},
      {"1F1EB-1F1F7", "", "flag-fr", "Flags", "country-flag", 6},
      {"1F600", "GRINNING FACE", "grinning", "Smileys & Emotion", "face-smiling", 7},
      {"0023-FE0F-20E3", "HASH KEY", "hash", "Symbols", "keycap", 8},
      {"1F469-200D-1F373", "WOMAN COOK", "woman-cook", "People & Body", "person-role", 9},
      {"1F451", "CROWN", "crown", "Objects", "clothing", 10},
      {"1F697", "AUTOMOBILE", "car", "Travel & Places", "transport-ground", 11},
      {"1F3D6-FE0F", "BEACH WITH UMBRELLA", "beach", "Travel & Places", "place-geographic", 12},
  };
  const auto picks = w::pickCategories(emoji, w::worldSpec().subjects, {"1f451"});
  std::map<std::string, std::string> byKey;
  for (const auto& p : picks) byKey[p.key] = p.noun;
  QCOMPARE(QString::fromStdString(byKey["1f415"]), QStringLiteral("dog"));  // the whole dog, not its face
  QVERIFY(!byKey.count("1f436"));
  QCOMPARE(QString::fromStdString(byKey["1f43b"]), QStringLiteral("bear"));
  QCOMPARE(QString::fromStdString(byKey["1f34e"]), QStringLiteral("apple"));
  QVERIFY(!byKey.count("1f34f"));  // "green apple" loses its colour word and then its noun
  QCOMPARE(QString::fromStdString(byKey["1f697"]), QStringLiteral("car"));  // override table
  for (const char* excluded : {"1f1eb-1f1f7", "1f600", "0023-20e3", "1f469-200d-1f373", "1f451", "1f3d6"}) {
    QVERIFY2(!byKey.count(excluded), excluded);
  }
}

void TestWorld::splitIsStableAndAboutOneFifth() {
  QCOMPARE(w::splitOfCategory("1f980"), w::splitOfCategory("1f980"));
  int heldout = 0;
  for (int i = 0; i < 2000; ++i) heldout += w::splitOfCategory("key-" + std::to_string(i)) == w::Split::Heldout;
  QVERIFY2(heldout > 340 && heldout < 460, std::to_string(heldout).c_str());
  for (const auto& id : catalog_.identities) QCOMPARE(id.split, catalog_.categoryOf(id).split);
}

void TestWorld::importBuildsCatalogAndAssets() {
  const auto stats = w::worldStats(ws_->db());
  QCOMPARE(stats.vendors, 4LL);
  QCOMPARE(stats.categories, 4LL);  // dog, crab, apple, teapot
  QCOMPARE(stats.identities, 9LL);  // crab x4, teapot x3, dog, apple
  QCOMPARE(stats.identitiesByVendor.at("fluent"), 1LL);
  QCOMPARE(stats.accessories, 1LL);  // only the crown has fixture artwork
  QCOMPARE(stats.actions, qint64(w::worldSpec().actions.size()));
  QCOMPARE(stats.backgrounds, 10LL);  // 9 procedural + the beach (a "-fe0f" file name)
  QVERIFY(catalog_.findIdentity("fluent/1f980"));
  QVERIFY(!catalog_.findIdentity("google/1f1eb-1f1f7"));
  QCOMPARE(QString::fromStdString(catalog_.categoryOf(*catalog_.findIdentity("google/1f415")).noun), QStringLiteral("dog"));
  for (const char* file : {"assets/fluent/1f980.png", "assets/openmoji/1fad6.png", "assets/google/1f415.png"}) {
    const auto img = w::readImageFile(ws_->dir() / file);
    QCOMPARE(img.width, w::worldSpec().assetSize);
    QCOMPARE(img.height, w::worldSpec().assetSize);
    QCOMPARE(img.channels, 4);
    QVERIFY(!w::alphaBounds(img).empty());
  }
  // The SVG was rendered with its colour (#d22f27) at the centre.
  const auto om = w::readImageFile(ws_->dir() / "assets/openmoji/1f980.png");
  const auto* centre = om.at(om.width / 2, om.height / 2);
  QVERIFY(std::abs(centre[0] - 0xd2) <= 2 && std::abs(centre[1] - 0x2f) <= 2 && centre[3] == 255);
}

void TestWorld::importIsIdempotent() {
  const auto file = ws_->dir() / "assets/google/1f980.png";
  const auto before = fs::last_write_time(file);
  w::ImportOptions options;
  options.fromDir = dir_ / "npm";
  QVERIFY(w::importAssets(*ws_, options, lock_).skipped);
  // Works offline: the tarballs are not needed once imported.
  options.fromDir = dir_ / "nowhere";
  QVERIFY(w::importAssets(*ws_, options, lock_).skipped);
  QCOMPARE(fs::last_write_time(file), before);
  // A deleted asset makes the cache incomplete: the next import restores it.
  fs::remove(file);
  options.fromDir = dir_ / "npm";
  QVERIFY(!w::importAssets(*ws_, options, lock_).skipped);
  QVERIFY(fs::exists(file));
  QCOMPARE(w::worldStats(ws_->db()).identities, 9LL);
}

void TestWorld::importRefusesCorruptOrMissingTarball() {
  const auto npm = dir_ / "npm-bad";
  fs::create_directories(npm);
  for (const auto& p : lock_.packages) fs::copy_file(dir_ / "npm" / p.file, npm / p.file);
  auto ws = psr::store::Workspace::create(dir_ / "ws-bad");
  w::ImportOptions options;
  options.fromDir = npm;
  std::string bytes;
  {
    std::ifstream in(npm / lock_.packages[2].file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[bytes.size() / 2] ^= 0x5a;
  writeBytes(npm / lock_.packages[2].file, bytes);
  auto [code, message] = failureOf([&] { w::importAssets(*ws, options, lock_); });
  QCOMPARE(code, ErrorCode::Corrupt);
  QVERIFY2(message.find("./packaging/fetch-assets.sh") != std::string::npos, message.c_str());
  fs::remove(npm / lock_.packages[2].file);
  std::tie(code, message) = failureOf([&] { w::importAssets(*ws, options, lock_); });
  QCOMPARE(code, ErrorCode::NotFound);
  QVERIFY2(message.find("./packaging/fetch-assets.sh") != std::string::npos, message.c_str());
  QCOMPARE(w::worldStats(ws->db()).identities, 0LL);  // nothing half-written
}

void TestWorld::sceneJsonRoundTrip() {
  const auto scene = twoSubjects();
  const auto j = w::toJson(scene);
  const auto back = w::sceneFromJson(nlohmann::json::parse(j.dump()));
  QCOMPARE(QString::fromStdString(w::toJson(back).dump()), QString::fromStdString(j.dump()));
  QCOMPARE(int(back.subjects[0].accessories.size()), 1);
  QCOMPARE(back.relations[0].kind, w::RelationKind::LeftOf);
  w::validateScene(back, catalog_);
}

void TestWorld::sceneValidationErrors_data() {
  QTest::addColumn<QString>("field");
  QTest::addColumn<QString>("expected");
  QTest::newRow("unknown identity") << "identity" << "unknown identity 'google/ffff'";
  QTest::newRow("box outside") << "box" << "not inside the canvas";
  QTest::newRow("unknown action") << "action" << "unknown action";
  QTest::newRow("unknown accessory") << "accessory" << "unknown accessory";
  QTest::newRow("unknown background") << "background" << "unknown background";
  QTest::newRow("wrong relation") << "relation" << "is not right_of";
  QTest::newRow("five subjects") << "count" << "1 to 4 subjects";
}

void TestWorld::sceneValidationErrors() {
  QFETCH(QString, field);
  QFETCH(QString, expected);
  auto s = twoSubjects();
  if (field == "identity") s.subjects[1].identity = "google/ffff";
  if (field == "box") s.subjects[1].box = {0.8, 0.8, 0.3, 0.1};
  if (field == "action") s.subjects[0].action = "flying";
  if (field == "accessory") s.subjects[0].accessories.push_back("monocle");
  if (field == "background") s.background = "moon";
  if (field == "relation") s.relations[0].kind = w::RelationKind::RightOf;
  if (field == "count") s.subjects.resize(5, s.subjects[1]);
  const auto [code, message] = failureOf([&] { w::validateScene(s, catalog_); });
  QCOMPARE(code, ErrorCode::InvalidArgument);
  QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
  w::SceneRenderer renderer(catalog_);
  QCOMPARE(failureOf([&] { renderer.render(s, 1); }).first, ErrorCode::InvalidArgument);
}

void TestWorld::compositingIsExact() {
  w::Image canvas(3, 1, 3);
  for (int x = 0; x < 3; ++x) canvas.at(x, 0)[2] = 200;  // blue
  w::Image sprite(3, 1, 4);
  const std::uint8_t px[] = {255, 0, 0, 255, 0, 255, 0, 128, 9, 9, 9, 0};
  std::copy(std::begin(px), std::end(px), sprite.pixels.begin());
  w::compositeOver(canvas, sprite, 0, 0);
  const std::vector<std::uint8_t> expected = {255, 0, 0,  // opaque: the sprite
                                              0, 128, (200 * 127 + 127) / 255,  // half: a blend
                                              0, 0, 200};  // transparent: untouched
  QCOMPARE(canvas.pixels, expected);
  w::Image clipped(2, 2, 3);
  w::compositeOver(clipped, sprite, 1, 1);  // partly outside: clipped, no overrun
  QCOMPARE(int(clipped.at(1, 1)[0]), 255);
  QCOMPARE(int(clipped.at(0, 0)[0]), 0);
}

void TestWorld::rendererIsDeterministic() {
  w::SceneRenderer a(catalog_), b(catalog_);
  const auto scene = twoSubjects();
  const auto r1 = a.render(scene, 7);
  const auto r2 = b.render(scene, 7);
  const auto r3 = a.render(scene, 7);  // from the warm cache
  QCOMPARE(r1.image.width, 64);
  QCOMPARE(r1.image.channels, 3);
  QVERIFY(r1.image.pixels == r2.image.pixels);
  QVERIFY(r1.image.pixels == r3.image.pixels);
  QVERIFY(r1.subjects[0].mask == r2.subjects[0].mask);
  const auto big = a.render(scene, 7, 200);
  QCOMPARE(big.image.width, 200);
}

void TestWorld::masksAndBoxesAreExact() {
  w::SceneRenderer renderer(catalog_);
  w::Rng rng(3);
  for (int n = 1; n <= 4; ++n) {
    const auto scene = w::randomScene(catalog_, rng, {n, std::nullopt, 0.5, 0.5, true});
    for (int size : {64, 96}) {
      const auto r = renderer.render(scene, 1, size);
      QCOMPARE(int(r.subjects.size()), n);
      for (std::size_t i = 0; i < r.subjects.size(); ++i) {
        const auto& s = r.subjects[i];
        QVERIFY(s.area > 0);
        long long inside = 0, total = 0;
        w::PixelBox tight{size, size, 0, 0};
        for (int y = 0; y < size; ++y) {
          for (int x = 0; x < size; ++x) {
            if (!s.mask[std::size_t(y) * size + x]) continue;
            ++total;
            inside += x >= s.box.x0 && x < s.box.x1 && y >= s.box.y0 && y < s.box.y1;
            tight = {std::min(tight.x0, x), std::min(tight.y0, y), std::max(tight.x1, x + 1), std::max(tight.y1, y + 1)};
          }
        }
        QCOMPARE(total, s.area);
        QCOMPARE(inside, total);  // nothing outside the box
        QCOMPARE(tight.x0, s.box.x0);  // and the box is tight
        QCOMPARE(tight.y1, s.box.y1);
        // The subject stays within its scene box (one pixel of rounding).
        const auto& b = scene.subjects[i].box;
        QVERIFY(s.box.x0 >= int(b.x * size) - 1 && s.box.x1 <= int(std::ceil((b.x + b.w) * size)) + 1);
        QVERIFY(s.box.y0 >= int(b.y * size) - 1 && s.box.y1 <= int(std::ceil((b.y + b.h) * size)) + 1);
      }
    }
  }
}

void TestWorld::referenceSceneChangesContext() {
  const auto target = twoSubjects();
  w::Rng rng(11);
  for (int i = 0; i < 2; ++i) {
    const auto ref = w::makeReferenceScene(target, i, catalog_, rng);
    w::validateScene(ref, catalog_);
    QCOMPARE(int(ref.subjects.size()), 1);
    const auto& s = ref.subjects[0];
    QCOMPARE(QString::fromStdString(s.identity), QString::fromStdString(target.subjects[std::size_t(i)].identity));
    QVERIFY(ref.background != target.background);
    QVERIFY(s.action != target.subjects[std::size_t(i)].action);
    QVERIFY(s.size != target.subjects[std::size_t(i)].size);
    QVERIFY(s.accessories.empty());
    QVERIFY((s.box.centreX() < 0.5) != (target.subjects[std::size_t(i)].box.centreX() < 0.5));
  }
}

void TestWorld::instructionsNameCategoriesNotLooks() {
  const auto& colours = w::worldSpec().subjects.colourWords;
  std::set<std::string> variants;
  w::Rng sceneRng(5);
  for (int seed = 0; seed < 40; ++seed) {
    w::Rng rng{std::uint64_t(seed)};
    const auto scene = seed == 0 ? twoSubjects() : w::randomScene(catalog_, sceneRng, {1 + seed % 4, std::nullopt, 0.5, 0.5, true});
    const std::string text = w::instruction(scene, catalog_, rng);
    const std::string t2i = w::t2iPrompt(scene, catalog_, rng);
    if (seed < 8 && scene.subjects.size() == 2) variants.insert(text);
    for (const auto& s : scene.subjects) {
      const auto& noun = catalog_.categoryOf(*catalog_.findIdentity(s.identity)).noun;
      QVERIFY2(text.find(noun) != std::string::npos, text.c_str());
      QVERIFY2(t2i.find(noun) != std::string::npos, t2i.c_str());
    }
    std::string padded = " " + text + " ";
    for (char& ch : padded) ch = char(std::isalpha(static_cast<unsigned char>(ch)) ? std::tolower(ch) : ' ');
    for (const auto& c : colours) QVERIFY2(padded.find(" " + c + " ") == std::string::npos, text.c_str());
    for (const char* size : {" small ", " large "}) QVERIFY2(padded.find(size) == std::string::npos, text.c_str());
  }
  w::Rng a(1), b(2), c(3);
  const auto scene = twoSubjects();
  QVERIFY(w::instruction(scene, catalog_, a) != w::instruction(scene, catalog_, b) ||
          w::instruction(scene, catalog_, b) != w::instruction(scene, catalog_, c));
  const std::string t2i = w::t2iPrompt(scene, catalog_, a);
  QVERIFY2(t2i.find("crown") != std::string::npos && t2i.find("large crab") != std::string::npos, t2i.c_str());
  const auto ref = w::makeReferenceScene(scene, 0, catalog_, a);
  const std::string single = w::subjectScenePrompt(ref, catalog_, a);
  QVERIFY2(single.find("crab") != std::string::npos && single.find("teapot") == std::string::npos, single.c_str());
}

namespace {

/// A real PNG (OpenCV's encoder, as the studio writes them) of the given size.
std::string pngOf(int width, int height) {
  w::Image image(width, height, 4);
  for (std::size_t i = 0; i < image.pixels.size(); ++i) image.pixels[i] = std::uint8_t(i * 7);
  return w::encodePng(image);
}

std::string encoded(const char* ext, int width, int height, std::vector<int> params = {}) {
  cv::Mat bgr(height, width, CV_8UC3, cv::Scalar(10, 200, 30));
  std::vector<std::uint8_t> out;
  if (!cv::imencode(ext, bgr, out, params)) qFatal("cannot encode %s", ext);
  return std::string(out.begin(), out.end());
}

void putBe32(std::string& s, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + std::size_t(i)] = char((v >> (24 - 8 * i)) & 0xff);
}

}  // namespace

void TestWorld::imageHeadersAreRead() {
  const auto png = w::readImageHeader(pngOf(37, 5), "t.png");
  QCOMPARE(std::string(png.format), std::string("png"));
  QCOMPARE(png.width, 37);
  QCOMPARE(png.height, 5);
  const auto jpg = w::readImageHeader(encoded(".jpg", 21, 13), "t.jpg");
  QCOMPARE(std::string(jpg.format), std::string("jpeg"));
  QCOMPARE(jpg.width, 21);
  QCOMPARE(jpg.height, 13);
  const auto progressive = w::readImageHeader(encoded(".jpg", 40, 3, {cv::IMWRITE_JPEG_PROGRESSIVE, 1}), "p.jpg");
  QCOMPARE(progressive.width, 40);
  QCOMPARE(progressive.height, 3);
  const auto lossy = w::readImageHeader(encoded(".webp", 30, 17, {cv::IMWRITE_WEBP_QUALITY, 50}), "t.webp");
  QCOMPARE(std::string(lossy.format), std::string("webp"));
  QCOMPARE(lossy.width, 30);
  QCOMPARE(lossy.height, 17);
  const auto lossless = w::readImageHeader(encoded(".webp", 9, 11, {cv::IMWRITE_WEBP_QUALITY, 101}), "l.webp");
  QCOMPARE(lossless.width, 9);
  QCOMPARE(lossless.height, 11);
  // And they decode, with the limits in front.
  const auto image = w::decodeImage(encoded(".webp", 9, 11, {cv::IMWRITE_WEBP_QUALITY, 101}), "l.webp");
  QCOMPARE(image.width, 9);
  QCOMPARE(image.channels, 4);
}

void TestWorld::absurdImageSizesAreRefusedBeforeDecoding() {
  // A PNG whose IHDR claims 100000 x 100000 pixels (40 GB as RGBA): refused from the header.
  std::string png = pngOf(4, 4);
  putBe32(png, 16, 100000);
  putBe32(png, 20, 100000);
  auto [code, message] = failureOf([&] { w::decodeImage(png, "huge.png"); });
  QCOMPARE(code, ErrorCode::Corrupt);
  QVERIFY2(QString::fromStdString(message).contains("huge.png") &&
               QString::fromStdString(message).contains("claims 100000x100000 pixels"),
           message.c_str());
  // Within the side limit but over the pixel budget.
  putBe32(png, 16, 16000);
  putBe32(png, 20, 16000);
  std::tie(code, message) = failureOf([&] { w::decodeImage(png, "big.png"); });
  QCOMPARE(code, ErrorCode::Corrupt);
  QVERIFY2(QString::fromStdString(message).contains("more than the limit"), message.c_str());
  // Limits are the caller's to lower: a real 64x64 PNG over a 32-pixel side limit.
  w::ImageLimits small;
  small.maxSide = 32;
  std::tie(code, message) = failureOf([&] { w::decodeImage(pngOf(64, 64), "small.png", small); });
  QCOMPARE(code, ErrorCode::Corrupt);
  small = {};
  small.maxFileBytes = 10;
  std::tie(code, message) = failureOf([&] { w::decodeImage(pngOf(64, 64), "bytes.png", small); });
  QVERIFY2(QString::fromStdString(message).contains("exceed the limit"), message.c_str());
  // A JPEG frame header claiming 65000 x 65000.
  std::string jpg = encoded(".jpg", 8, 8);
  const auto sof = jpg.find("\xff\xc0");
  QVERIFY(sof != std::string::npos);
  jpg[sof + 5] = jpg[sof + 7] = char(0xfd);
  jpg[sof + 6] = jpg[sof + 8] = char(0xe8);
  std::tie(code, message) = failureOf([&] { w::decodeImage(jpg, "huge.jpg"); });
  QVERIFY2(QString::fromStdString(message).contains("claims 65000x65000"), message.c_str());
  // A WebP canvas of 2^24 x 2^24.
  const std::string vp8x = std::string("RIFF\x16\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0", 24) + std::string(6, char(0xff));
  std::tie(code, message) = failureOf([&] { w::decodeImage(vp8x, "huge.webp"); });
  QVERIFY2(QString::fromStdString(message).contains("claims 16777216x16777216"), message.c_str());
}

void TestWorld::otherImageFormatsAndDamageAreRefused() {
  const std::pair<std::string, std::string> cases[] = {
      {std::string("II*\0\x08\0\0\0", 8) + std::string(64, '\0'), "not a PNG, JPEG or WebP"},
      {"BM" + std::string(64, '\0'), "not a PNG, JPEG or WebP"},
      {"", "not a PNG, JPEG or WebP"},
      {pngOf(8, 8).substr(0, 20), "truncated PNG header"},
      {encoded(".jpg", 8, 8).substr(0, 4), "truncated JPEG header"},
      {pngOf(8, 8).substr(0, 60), "cannot decode image"},
  };
  for (const auto& [bytes, words] : cases) {
    const auto [code, message] = failureOf([&] { w::decodeImage(bytes, "x"); });
    QCOMPARE(code, ErrorCode::Corrupt);
    QVERIFY2(QString::fromStdString(message).contains(QString::fromStdString(words)), message.c_str());
  }
  // A zero width in the header.
  std::string png = pngOf(4, 4);
  putBe32(png, 16, 0);
  const auto [code, message] = failureOf([&] { w::decodeImage(png, "zero.png"); });
  QCOMPARE(code, ErrorCode::Corrupt);
  QVERIFY2(QString::fromStdString(message).contains("invalid width"), message.c_str());
}

void TestWorld::sceneTextLimits() {
  const std::string good = w::toJson(twoSubjects()).dump();
  QCOMPARE(w::toJson(w::sceneFromText(good)).dump(), good);
  const std::pair<std::string, std::string> cases[] = {
      {R"({"background":"sky","subjects":[],"relations":)" + std::string(3000, '[') + std::string(3000, ']') + "}",
       "nests deeper"},
      {R"({"background":"sky","subjects":[{"identity":"a/1","box":[0,0,1,1]}],"relations":[{"a":1e300,"b":0,"kind":"above"}]})",
       "relation subject a must be an integer"},
      {R"({"background":"sky","subjects":[{"identity":"a/1","box":[0,0,1,1],"z":1e19}]})", "z of a/1"},
      {R"({"background":"sky","subjects":{}})", "'subjects' must be an array"},
      {"[1]", "expected a JSON object"},
      {"{", "not valid JSON"},
      {std::string(w::kMaxSceneJsonBytes + 1, ' '), "exceeds the limit"},
  };
  for (const auto& [text, words] : cases) {
    const auto [code, message] = failureOf([&] { w::sceneFromText(text); });
    QCOMPARE(code, ErrorCode::InvalidArgument);
    QVERIFY2(QString::fromStdString(message).contains(QString::fromStdString(words)), message.c_str());
  }
}

QTEST_GUILESS_MAIN(TestWorld)
#include "test_world.moc"
