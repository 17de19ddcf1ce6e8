#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace psr::world {

/// One pinned npm package of artwork (resources/world/assets.lock.json).
struct PackageSpec {
  std::string vendor;        // "google", "twitter", "fluent", "openmoji"
  std::string title;         // "Google Noto Emoji"
  std::string license;
  std::string package;       // npm name
  std::string version;
  std::string file;          // the tarball `npm pack` writes
  std::string sha256;
  std::string imagesPrefix;  // folder inside the tarball holding <codepoint>.<format>
  std::string format;        // "png", "webp" or "svg"
  std::string catalogPath;   // emoji.json inside the tarball; empty for packages without it
};

/// The pinned packages and the digest of the lock text (part of the import's cache key).
struct AssetLock {
  std::vector<PackageSpec> packages;
  std::string hash;
};

/// Rules that pick subject-like codepoints and derive their prompt nouns.
struct SubjectRules {
  std::map<std::string, std::vector<std::string>> groups;  // group -> subgroups (empty: all)
  std::vector<std::string> stripPrefixes, stripSuffixes, excludedWords, colourWords;
  std::set<std::string> excludedCodepoints;
  std::map<std::string, std::optional<std::string>> nounOverrides;  // nullopt drops the codepoint
};

using Rgb = std::array<std::uint8_t, 3>;

/// Artwork drawn at a subject: `at` is a point in the subject's box (fractions, may lie outside).
struct EffectSpec {
  std::string codepoint;
  double atX = 0.5, atY = 0.5, width = 0.4;
  bool behind = false;
  std::string asset;  // artwork file, set by the import (workspace-relative, absolute once loaded)
};

/// An accessory worn by a subject: the accessory's pivot point lands on the anchor point of the
/// subject's artwork; `width` is relative to the subject's width.
struct AccessorySpec {
  std::string name, codepoint;
  double anchorX = 0.5, anchorY = 0.5, pivotX = 0.5, pivotY = 0.5, width = 0.5;
  bool behind = false;
};

/// A pose/effect transform with the words prompts use for it.
struct ActionSpec {
  std::string name;
  double lift = 0.0;    // fraction of the box height the subject is raised (jumping)
  bool shadow = false;  // a shadow on the ground below a lifted subject
  double rotate = 0.0;  // degrees, counter-clockwise
  bool mirror = false;
  std::optional<EffectSpec> effect;
  std::string gerund;                     // "jumping"
  std::vector<std::string> instruction;  // "is jumping", "jumps into the air"
};

/// A procedural gradient (sky, optional ground from `horizon` down, texture) or scene artwork.
struct BackgroundSpec {
  std::string name, kind, codepoint, texture;
  Rgb top{}, bottom{}, groundTop{}, groundBottom{};
  double horizon = 1.0;  // 1: no ground
  std::vector<std::string> phrases;  // "on a beach"
  std::string asset;  // artwork file of kind "artwork", as for EffectSpec
};

/// resources/world/world.json: subject rules, accessories, actions, backgrounds.
struct WorldSpec {
  int assetSize = 128;
  std::string artworkVendor;
  SubjectRules subjects;
  std::vector<AccessorySpec> accessories;
  std::map<std::string, EffectSpec> effects;
  std::vector<ActionSpec> actions;
  std::vector<BackgroundSpec> backgrounds;
  std::string hash;
};

/// The tables compiled into this build.
const WorldSpec& worldSpec();
const AssetLock& pinnedAssetLock();

AssetLock parseAssetLock(const std::string& json);
WorldSpec parseWorldSpec(const std::string& json);

/// JSON forms stored in the catalog tables (and read back by the catalog).
nlohmann::json toJson(const ActionSpec& action);
ActionSpec actionFromJson(const nlohmann::json& j);
nlohmann::json toJson(const BackgroundSpec& background);
BackgroundSpec backgroundFromJson(const nlohmann::json& j);

}  // namespace psr::world
