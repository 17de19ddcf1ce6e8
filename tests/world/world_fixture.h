#pragma once
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "world/world_spec.h"

/// A file to put in a fixture tar archive.
struct TarFile {
  std::string path;
  std::string data;
};

/// A ustar archive; names longer than 100 bytes get a pax `path` record (or, with
/// `usePrefix`, the ustar prefix field when they split at a '/').
std::string makeTar(const std::vector<TarFile>& files, bool usePrefix = false);

/// gzip-compresses bytes (what npm's .tgz is).
std::string gzipBytes(const std::string& bytes);

void writeBytes(const std::filesystem::path& file, const std::string& bytes);

/// Four small vendor tarballs in `dir` (a fake emoji.json and a few PNG/WebP/SVG images made
/// here) and the asset lock that pins them.
psr::world::AssetLock makeFixturePackages(const std::filesystem::path& dir);
