#pragma once
#include <functional>

/// Runs `probe` in a forked child that cannot bypass file permissions (as root it drops to
/// uid/gid 65534 first, since root ignores read-only modes) and returns the child's exit code.
int runWithoutPrivileges(const std::function<int()>& probe);
