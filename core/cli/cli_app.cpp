#include "cli/cli_app.h"

#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"
#include "cli/exit_codes.h"
#include "common/logging.h"
#include "common/paths.h"
#include "device/devices.h"
#include "device/versions.h"
#include "store/workspace.h"

namespace psr::cli {

std::unique_ptr<store::Workspace> CliContext::openWorkspace() const {
  return store::Workspace::open(resolveWorkspaceDir(workspaceDir));
}

namespace {

void printVersions() {
  for (const auto& [name, version] : dependencyVersions()) {
    std::cout << name << ": " << version << "\n";
  }
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"psr - PSR Studio command line: workspaces, data, training, benchmarks", "psr"};
  app.require_subcommand(0, 1);
  CliContext ctx;
  app.add_option("-w,--workspace", ctx.workspaceDir,
                 "Workspace folder (default: $PSR_WORKSPACE, else " + defaultWorkspaceDir().string() + ")");
  app.add_flag("-v,--verbose", ctx.verbose, "Log debug messages to stderr");
  bool showVersion = false;
  app.add_flag("-V,--version", showVersion,
               "Print the versions of PSR Studio and its dependencies, and whether CUDA is available");

  addWorkspaceCommands(app, ctx);
  addPluginCommands(app, ctx);
  addJobCommands(app, ctx);
#ifdef PSR_WITH_WORLD
  addAssetCommands(app, ctx);
  addWorldCommands(app, ctx);
  addDataCommands(app, ctx);
  addPerceiveCommands(app, ctx);
  addScoreCommand(app, ctx);
  addGenerateCommands(app, ctx);
  addTrainCommands(app, ctx);
  addEvalCommands(app, ctx);
  addBenchCommands(app, ctx);
#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints help or the usage error; its own codes (105-115) collapse into one usage code.
    const int code = app.exit(e);
    return code == 0 ? int(kExitOk) : int(kExitUsage);
  }
  if (ctx.verbose) setConsoleLogLevel(spdlog::level::debug);
  if (showVersion) {
    printVersions();
    return kExitOk;
  }
  if (!ctx.action) {
    std::cout << app.help();
    return kExitUsage;
  }
  configureThreads();
  try {
    return ctx.action();
  } catch (const Error& e) {
    std::cerr << "psr: error: " << e.what() << "\n";
    return exitCodeFor(e.code());
  } catch (const std::exception& e) {
    std::cerr << "psr: unexpected error: " << e.what() << "\n";
    return kExitError;
  }
}

}  // namespace psr::cli
