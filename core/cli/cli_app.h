#pragma once

namespace psr::cli {

/// Runs the `psr` command line and returns the process exit code (see exit_codes.h).
int run(int argc, char** argv);

}  // namespace psr::cli
