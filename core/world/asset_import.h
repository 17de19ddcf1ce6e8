#pragma once
#include <filesystem>
#include <map>
#include <string>

#include "common/cancel.h"
#include "world/world_spec.h"

namespace psr::store {
class Workspace;
}

namespace psr::world {

/// Where `packaging/fetch-assets.sh` leaves the npm tarballs:
/// `${XDG_CACHE_HOME:-$HOME/.cache}/psr-studio/npm`.
std::filesystem::path assetCacheDir();

/// Options of `psr assets import`.
struct ImportOptions {
  std::filesystem::path fromDir;  // folder with the tarballs; empty: assetCacheDir()
  bool force = false;             // re-import even when the cache is complete
  ProgressFn progress;
  CancellationToken cancel;
};

/// What an import did.
struct ImportReport {
  bool skipped = false;  // the workspace already held this exact world
  std::map<std::string, long long> imagesByVendor;
  long long categories = 0, identities = 0, accessories = 0, backgrounds = 0;
  double seconds = 0.0;
};

/// Verifies the pinned tarballs (SHA-256), extracts the artwork the world needs into
/// `<workspace>/assets/<vendor>/<codepoint>.png` (RGBA, spec.assetSize square; WebP decoded,
/// SVG rendered) and replaces the catalog tables in one transaction. Skips all work when the
/// workspace already holds the world of this lock and spec and every asset file exists, so it
/// works offline once imported. A missing or altered tarball throws NotFound / Corrupt naming
/// `./packaging/fetch-assets.sh`.
ImportReport importAssets(store::Workspace& workspace, const ImportOptions& options,
                          const AssetLock& lock = pinnedAssetLock(), const WorldSpec& spec = worldSpec());

}  // namespace psr::world
