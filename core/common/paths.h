#pragma once
#include <filesystem>
#include <vector>

namespace psr {

/// `$XDG_DATA_HOME/psr-studio` (default `~/.local/share/psr-studio`).
std::filesystem::path userDataDir();

/// The embedded default workspace the studio creates and opens on first launch.
std::filesystem::path defaultWorkspaceDir();

/// The workspace a CLI command acts on: `--workspace`, else `$PSR_WORKSPACE`, else the default.
std::filesystem::path resolveWorkspaceDir(const std::filesystem::path& explicitDir);

/// Folders plugins are loaded from, in order and without repeats: each entry of
/// `$PSR_PLUGIN_PATH` (colon-separated), then `<executable dir>/../lib/psr-studio/plugins`, the
/// install layout that the build tree mirrors. The folders need not exist.
std::vector<std::filesystem::path> pluginDirs();

}  // namespace psr
