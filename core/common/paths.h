#pragma once
#include <filesystem>
#include <string>
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

/// Where the shipped models of `kind` ("generator", "perception") are: the install layout
/// `<executable dir>/../share/psr-studio/models/<kind>` when that folder exists (the .deb), else
/// `sourceTreeDir`, the build's source tree (a build-tree binary has no share/ beside it).
std::filesystem::path shippedModelsDir(const std::string& kind, const std::filesystem::path& sourceTreeDir);
/// The same for an executable in `exeDir` (testable without installing).
std::filesystem::path shippedModelsDir(const std::string& kind, const std::filesystem::path& sourceTreeDir,
                                       const std::filesystem::path& exeDir);

}  // namespace psr
