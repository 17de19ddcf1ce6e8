#pragma once
#include <filesystem>

namespace psr {

/// `$XDG_DATA_HOME/psr-studio` (default `~/.local/share/psr-studio`).
std::filesystem::path userDataDir();

/// The embedded default workspace the studio creates and opens on first launch.
std::filesystem::path defaultWorkspaceDir();

/// The workspace a CLI command acts on: `--workspace`, else `$PSR_WORKSPACE`, else the default.
std::filesystem::path resolveWorkspaceDir(const std::filesystem::path& explicitDir);

}  // namespace psr
