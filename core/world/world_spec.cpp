#include "world/world_spec.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/sha256.h"
#include "world/embedded_tables.h"

namespace psr::world {
namespace {

using nlohmann::json;

Rgb rgbOf(const json& j, const char* key) {
  if (!j.contains(key)) return {0, 0, 0};
  const auto& a = j.at(key);
  return {std::uint8_t(a.at(0).get<int>()), std::uint8_t(a.at(1).get<int>()), std::uint8_t(a.at(2).get<int>())};
}

json rgbJson(const Rgb& c) { return json::array({c[0], c[1], c[2]}); }

EffectSpec effectFromJson(const json& j) {
  EffectSpec e;
  e.codepoint = j.at("codepoint").get<std::string>();
  e.atX = j.at("at").at(0).get<double>();
  e.atY = j.at("at").at(1).get<double>();
  e.width = j.at("width").get<double>();
  e.behind = j.value("behind", false);
  e.asset = j.value("asset", "");
  return e;
}

template <typename Fn>
auto parsing(const char* what, Fn fn) {
  try {
    return fn();
  } catch (const json::exception& e) {
    throw Error(std::string("invalid ") + what + ": " + e.what(), ErrorCode::Corrupt);
  }
}

}  // namespace

ActionSpec actionFromJson(const json& j) {
  ActionSpec a;
  a.name = j.at("name").get<std::string>();
  a.lift = j.value("lift", 0.0);
  a.shadow = j.value("shadow", false);
  a.rotate = j.value("rotate", 0.0);
  a.mirror = j.value("mirror", false);
  if (j.contains("effect_art")) a.effect = effectFromJson(j.at("effect_art"));
  a.gerund = j.at("gerund").get<std::string>();
  a.instruction = j.at("instruction").get<std::vector<std::string>>();
  return a;
}

json toJson(const ActionSpec& a) {
  json j = {{"name", a.name}, {"lift", a.lift}, {"shadow", a.shadow}, {"rotate", a.rotate},
            {"mirror", a.mirror}, {"gerund", a.gerund}, {"instruction", a.instruction}};
  if (a.effect) {
    j["effect_art"] = {{"codepoint", a.effect->codepoint},
                       {"at", {a.effect->atX, a.effect->atY}},
                       {"width", a.effect->width},
                       {"behind", a.effect->behind},
                       {"asset", a.effect->asset}};
  }
  return j;
}

BackgroundSpec backgroundFromJson(const json& j) {
  BackgroundSpec b;
  b.name = j.at("name").get<std::string>();
  b.kind = j.at("kind").get<std::string>();
  if (b.kind != "gradient" && b.kind != "artwork") throw Error("unknown background kind " + b.kind, ErrorCode::Corrupt);
  b.codepoint = j.value("codepoint", "");
  b.texture = j.value("texture", "");
  b.top = rgbOf(j, "top");
  b.bottom = rgbOf(j, "bottom");
  b.groundTop = rgbOf(j, "ground_top");
  b.groundBottom = rgbOf(j, "ground_bottom");
  b.horizon = j.value("horizon", 1.0);
  b.phrases = j.at("phrases").get<std::vector<std::string>>();
  b.asset = j.value("asset", "");
  return b;
}

json toJson(const BackgroundSpec& b) {
  return {{"name", b.name}, {"kind", b.kind}, {"codepoint", b.codepoint}, {"texture", b.texture},
          {"top", rgbJson(b.top)}, {"bottom", rgbJson(b.bottom)}, {"ground_top", rgbJson(b.groundTop)},
          {"ground_bottom", rgbJson(b.groundBottom)}, {"horizon", b.horizon}, {"phrases", b.phrases},
          {"asset", b.asset}};
}

AssetLock parseAssetLock(const std::string& text) {
  return parsing("asset lock", [&] {
    const json j = json::parse(text);
    AssetLock lock;
    for (const auto& p : j.at("packages")) {
      lock.packages.push_back({p.at("vendor"), p.at("title"), p.at("license"), p.at("package"), p.at("version"),
                               p.at("file"), p.at("sha256"), p.at("images"), p.at("format"), p.value("catalog", "")});
    }
    lock.hash = sha256Hex(text);
    return lock;
  });
}

WorldSpec parseWorldSpec(const std::string& text) {
  return parsing("world tables", [&] {
    const json j = json::parse(text);
    WorldSpec w;
    w.assetSize = j.at("asset_size").get<int>();
    w.artworkVendor = j.at("artwork_vendor").get<std::string>();
    const auto& s = j.at("subjects");
    w.subjects.groups = s.at("groups").get<std::map<std::string, std::vector<std::string>>>();
    w.subjects.stripPrefixes = s.at("strip_prefixes").get<std::vector<std::string>>();
    w.subjects.stripSuffixes = s.at("strip_suffixes").get<std::vector<std::string>>();
    w.subjects.excludedWords = s.at("excluded_words").get<std::vector<std::string>>();
    w.subjects.colourWords = s.at("colour_words").get<std::vector<std::string>>();
    w.subjects.excludedCodepoints = s.at("excluded_codepoints").get<std::set<std::string>>();
    for (const auto& [key, value] : j.at("noun_overrides").items()) {
      w.subjects.nounOverrides[key] = value.is_null() ? std::nullopt : std::optional<std::string>(value.get<std::string>());
    }
    for (const auto& a : j.at("accessories")) {
      AccessorySpec acc;
      acc.name = a.at("name");
      acc.codepoint = a.at("codepoint");
      acc.anchorX = a.at("anchor").at(0);
      acc.anchorY = a.at("anchor").at(1);
      acc.pivotX = a.at("pivot").at(0);
      acc.pivotY = a.at("pivot").at(1);
      acc.width = a.at("width");
      acc.behind = a.value("behind", false);
      w.accessories.push_back(acc);
    }
    for (const auto& [name, e] : j.at("effects").items()) w.effects[name] = effectFromJson(e);
    for (const auto& a : j.at("actions")) {
      ActionSpec action = actionFromJson(a);
      if (a.contains("effect")) action.effect = w.effects.at(a.at("effect").get<std::string>());
      w.actions.push_back(action);
    }
    for (const auto& b : j.at("backgrounds")) w.backgrounds.push_back(backgroundFromJson(b));
    w.hash = sha256Hex(text);
    return w;
  });
}

const WorldSpec& worldSpec() {
  static const WorldSpec spec = parseWorldSpec(kWorldJson);
  return spec;
}

const AssetLock& pinnedAssetLock() {
  static const AssetLock lock = parseAssetLock(kAssetsLockJson);
  return lock;
}

}  // namespace psr::world
