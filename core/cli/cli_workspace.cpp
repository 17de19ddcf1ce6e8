// `psr workspace init DIR` and `psr workspace info [--json]`.
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_context.h"
#include "cli/exit_codes.h"
#include "common/paths.h"
#include "store/workspace.h"

namespace psr::cli {
namespace {

void printInfo(const store::WorkspaceInfo& info) {
  std::cout << "workspace: " << info.dir.string() << "\n"
            << "schema:    version " << info.schemaVersion << " (this build: " << info.latestSchemaVersion << ")\n"
            << "blobs:     " << info.counts.at("blobs") << " (" << info.blobBytes << " bytes)\n";
  for (const auto& [table, rows] : info.counts) {
    if (table == "blobs" || table == "meta") continue;
    std::cout << "  " << table << ": " << rows << "\n";
  }
  if (!info.jobsByState.empty()) {
    std::cout << "jobs by state:";
    for (const auto& [state, n] : info.jobsByState) std::cout << " " << state << "=" << n;
    std::cout << "\n";
  }
}

}  // namespace

void addWorkspaceCommands(CLI::App& app, CliContext& ctx) {
  auto* ws = app.add_subcommand("workspace", "Create and inspect workspaces");
  ws->require_subcommand(1);

  auto* init = ws->add_subcommand("init", "Create a workspace in DIR (a new or empty folder); "
                                          "an existing workspace is opened and upgraded in place");
  auto dir = std::make_shared<std::string>();
  init->add_option("DIR", *dir, "Workspace folder (default: the selected workspace, see --workspace)");
  init->callback([&ctx, dir] {
    ctx.action = [&ctx, dir] {
      auto workspace = store::Workspace::create(resolveWorkspaceDir(dir->empty() ? ctx.workspaceDir : *dir));
      std::cout << "workspace ready: " << workspace->dir().string() << "\n";
      return int(kExitOk);
    };
  });

  auto* info = ws->add_subcommand("info", "Show the workspace's schema version and contents");
  auto json = std::make_shared<bool>(false);
  info->add_flag("--json", *json, "Print machine-readable JSON");
  info->callback([&ctx, json] {
    ctx.action = [&ctx, json] {
      auto workspace = ctx.openWorkspace();
      const auto data = workspace->info();
      if (*json) {
        std::cout << data.toJson().dump(2) << "\n";
      } else {
        printInfo(data);
      }
      return int(kExitOk);
    };
  });
}

}  // namespace psr::cli
