#include "world/asset_import.h"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/logging.h"
#include "common/sha256.h"
#include "store/workspace.h"
#include "world/catalog_rules.h"
#include "world/image_codec.h"
#include "world/svg_raster.h"
#include "world/tar_reader.h"

namespace psr::world {
namespace fs = std::filesystem;
namespace {

constexpr const char* kImporterVersion = "psr-world-import-v1";
constexpr const char* kFix = "run ./packaging/fetch-assets.sh (it downloads and verifies the pinned npm packages)";

/// The artwork one vendor must provide: codepoint keys.
using Wanted = std::map<std::string, std::set<std::string>>;

fs::path tarballOf(const PackageSpec& p, const fs::path& dir) {
  const fs::path file = dir / p.file;
  if (!fs::is_regular_file(file)) {
    throw Error("asset package " + p.package + "@" + p.version + " not found at " + file.string() + "; " + kFix,
                ErrorCode::NotFound);
  }
  return file;
}

void verify(const PackageSpec& p, const fs::path& file) {
  const std::string actual = sha256OfFile(file);
  if (actual != p.sha256) {
    throw Error("asset package " + file.string() + " is corrupt or not the pinned " + p.package + "@" + p.version +
                    " (SHA-256 " + actual + ", expected " + p.sha256 + "); delete it and " + kFix,
                ErrorCode::Corrupt);
  }
}

std::string readCatalogJson(const PackageSpec& p, const fs::path& file) {
  TarGzReader tar(file);
  TarEntry entry;
  while (tar.next(entry)) {
    if (entry.path == p.catalogPath) return tar.readData();
  }
  throw Error(p.catalogPath + " missing from " + file.string() + "; " + kFix, ErrorCode::Corrupt);
}

// Fits artwork into a transparent size x size square, centred, keeping its aspect ratio.
Image normalised(const Image& rgba, int size) {
  if (rgba.width == size && rgba.height == size) return rgba;
  const double scale = double(size) / std::max(rgba.width, rgba.height);
  const int w = std::max(1, int(std::lround(rgba.width * scale))), h = std::max(1, int(std::lround(rgba.height * scale)));
  Image out(size, size, 4);
  compositeOver(out, resizeRgba(rgba, w, h), (size - w) / 2, (size - h) / 2);
  return out;
}

/// Extracts the wanted artwork of one package; returns the keys written.
std::set<std::string> extract(const PackageSpec& p, const fs::path& file, const std::set<std::string>& wanted,
                              const fs::path& outDir, int size, const ImportOptions& options) {
  fs::create_directories(outDir);
  std::set<std::string> written;
  const std::string ext = "." + p.format;
  TarGzReader tar(file);
  TarEntry entry;
  while (tar.next(entry)) {
    const auto& path = entry.path;
    if (path.rfind(p.imagesPrefix, 0) != 0 || path.size() <= ext.size() ||
        path.compare(path.size() - ext.size(), ext.size(), ext) != 0) {
      continue;
    }
    const std::string stem = path.substr(p.imagesPrefix.size(), path.size() - p.imagesPrefix.size() - ext.size());
    if (stem.find('/') != std::string::npos) continue;
    const std::string key = codepointKey(stem);
    if (!wanted.count(key) || written.count(key)) continue;
    options.cancel.throwIfCancelled();
    const std::string bytes = tar.readData();
    const std::string what = file.filename().string() + ":" + path;
    const Image art = p.format == "svg" ? rasteriseSvg(bytes, size, what) : decodeImage(bytes, what);
    writePngFile(outDir / (key + ".png"), normalised(art, size));
    written.insert(key);
    if (options.progress) options.progress({(long long)written.size(), (long long)wanted.size(), p.vendor + " " + key});
  }
  return written;
}

std::string metaValue(store::Database& db, const std::string& key) {
  auto st = db.prepare("SELECT value FROM meta WHERE key = ?");
  st.bind(1, key);
  return st.step() ? st.columnText(0) : std::string();
}

bool worldIsComplete(store::Workspace& ws, const std::string& importKey) {
  auto& db = ws.db();
  if (metaValue(db, "world.import_key") != importKey) return false;
  auto st = db.prepare(
      "SELECT asset FROM world_identities UNION ALL SELECT asset FROM world_accessories");
  bool any = false;
  while (st.step()) {
    any = true;
    if (!fs::is_regular_file(ws.dir() / st.columnText(0))) return false;
  }
  return any;
}

std::string assetRel(const std::string& vendor, const std::string& key) { return "assets/" + vendor + "/" + key + ".png"; }

}  // namespace

fs::path assetCacheDir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  const fs::path base = xdg && *xdg ? fs::path(xdg) : fs::path(home ? home : ".") / ".cache";
  return base / "psr-studio" / "npm";
}

ImportReport importAssets(store::Workspace& ws, const ImportOptions& options, const AssetLock& lock,
                          const WorldSpec& spec) {
  const auto started = std::chrono::steady_clock::now();
  ImportReport report;
  const std::string importKey = sha256Hex(lock.hash + spec.hash + kImporterVersion);
  if (!options.force && worldIsComplete(ws, importKey)) {
    report.skipped = true;
    return report;
  }
  const fs::path dir = options.fromDir.empty() ? assetCacheDir() : options.fromDir;
  std::map<std::string, fs::path> files;
  const PackageSpec* catalogPackage = nullptr;
  for (const auto& p : lock.packages) {
    files[p.vendor] = tarballOf(p, dir);
    if (!p.catalogPath.empty()) catalogPackage = &p;
  }
  for (const auto& p : lock.packages) {
    options.cancel.throwIfCancelled();
    verify(p, files[p.vendor]);
  }
  if (!catalogPackage) throw Error("the asset lock names no package with emoji.json", ErrorCode::InvalidArgument);

  std::set<std::string> artwork;
  for (const auto& a : spec.accessories) artwork.insert(a.codepoint);
  for (const auto& [name, e] : spec.effects) artwork.insert(e.codepoint);
  const auto emoji = parseEmojiJson(readCatalogJson(*catalogPackage, files[catalogPackage->vendor]));
  const auto picks = pickCategories(emoji, spec.subjects, artwork);
  for (const auto& b : spec.backgrounds) {
    if (b.kind == "artwork") artwork.insert(b.codepoint);
  }

  std::map<std::string, std::set<std::string>> have;
  for (const auto& p : lock.packages) {
    std::set<std::string> wanted;
    for (const auto& c : picks) wanted.insert(c.key);
    if (p.vendor == spec.artworkVendor) wanted.insert(artwork.begin(), artwork.end());
    have[p.vendor] = extract(p, files[p.vendor], wanted, ws.dir() / "assets" / p.vendor, spec.assetSize, options);
    report.imagesByVendor[p.vendor] = (long long)have[p.vendor].size();
    logger()->info("assets: {} images from {}", have[p.vendor].size(), p.file);
  }
  const auto& art = have[spec.artworkVendor];

  auto& db = ws.db();
  store::Transaction tx(db);
  db.exec("DELETE FROM world_identities; DELETE FROM world_categories; DELETE FROM world_vendors;"
          "DELETE FROM world_accessories; DELETE FROM world_actions; DELETE FROM world_backgrounds;");
  std::map<std::string, std::int64_t> vendorIds;
  auto insVendor = db.prepare("INSERT INTO world_vendors(name, title, package, version, license) VALUES (?,?,?,?,?)");
  for (const auto& p : lock.packages) {
    insVendor.bind(1, p.vendor).bind(2, p.title).bind(3, p.package).bind(4, p.version).bind(5, p.license).run();
    insVendor.reset();
    vendorIds[p.vendor] = db.lastInsertId();
  }
  auto insCat = db.prepare("INSERT INTO world_categories(codepoint, noun, grp, subgroup, split) VALUES (?,?,?,?,?)");
  auto insId = db.prepare("INSERT INTO world_identities(category_id, vendor_id, asset, split) VALUES (?,?,?,?)");
  for (const auto& c : picks) {
    std::vector<const PackageSpec*> vendors;
    for (const auto& p : lock.packages) {
      if (have[p.vendor].count(c.key)) vendors.push_back(&p);
    }
    if (vendors.empty()) continue;
    const char* split = splitName(splitOfCategory(c.key));
    insCat.bind(1, c.key).bind(2, c.noun).bind(3, c.group).bind(4, c.subgroup).bind(5, split).run();
    insCat.reset();
    const std::int64_t categoryId = db.lastInsertId();
    ++report.categories;
    for (const auto* p : vendors) {
      insId.bind(1, categoryId).bind(2, vendorIds[p->vendor]).bind(3, assetRel(p->vendor, c.key)).bind(4, split).run();
      insId.reset();
      ++report.identities;
    }
  }
  auto insAcc = db.prepare(
      "INSERT INTO world_accessories(name, codepoint, asset, anchor_x, anchor_y, pivot_x, pivot_y, width, behind) "
      "VALUES (?,?,?,?,?,?,?,?,?)");
  for (const auto& a : spec.accessories) {
    if (!art.count(a.codepoint)) {
      logger()->warn("assets: no artwork for accessory '{}' ({}) in {}", a.name, a.codepoint, spec.artworkVendor);
      continue;
    }
    insAcc.bind(1, a.name).bind(2, a.codepoint).bind(3, assetRel(spec.artworkVendor, a.codepoint))
        .bind(4, a.anchorX).bind(5, a.anchorY).bind(6, a.pivotX).bind(7, a.pivotY).bind(8, a.width)
        .bind(9, std::int64_t(a.behind)).run();
    insAcc.reset();
    ++report.accessories;
  }
  auto insAction = db.prepare("INSERT INTO world_actions(name, spec) VALUES (?,?)");
  for (ActionSpec a : spec.actions) {
    if (a.effect) {
      // An action whose effect artwork is missing still transforms the subject; it just has no effect sprite.
      if (art.count(a.effect->codepoint)) {
        a.effect->asset = assetRel(spec.artworkVendor, a.effect->codepoint);
      } else {
        a.effect.reset();
      }
    }
    insAction.bind(1, a.name).bind(2, toJson(a).dump()).run();
    insAction.reset();
  }
  auto insBg = db.prepare("INSERT INTO world_backgrounds(name, kind, spec) VALUES (?,?,?)");
  for (BackgroundSpec b : spec.backgrounds) {
    if (b.kind == "artwork") {
      if (!art.count(b.codepoint)) {
        logger()->warn("assets: no artwork for background '{}' ({}) in {}", b.name, b.codepoint, spec.artworkVendor);
        continue;
      }
      b.asset = assetRel(spec.artworkVendor, b.codepoint);
    }
    insBg.bind(1, b.name).bind(2, b.kind).bind(3, toJson(b).dump()).run();
    insBg.reset();
    ++report.backgrounds;
  }
  auto meta = db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)");
  meta.bind(1, std::string_view("world.import_key")).bind(2, importKey).run();
  tx.commit();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace psr::world
