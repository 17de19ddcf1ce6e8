#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace psr::store {
class Workspace;
}

namespace psr::cli {

/// State shared by every subcommand: global options and the action the parse selected.
struct CliContext {
  std::string workspaceDir;  // --workspace / -w
  bool verbose = false;
  /// Set by a subcommand's callback; run after parsing so errors are handled in one place.
  std::function<int()> action;

  /// The workspace selected by --workspace, $PSR_WORKSPACE or the default, opened.
  std::unique_ptr<store::Workspace> openWorkspace() const;
};

/// Each area adds its subcommands to the root app.
void addWorkspaceCommands(CLI::App& app, CliContext& ctx);
void addPluginCommands(CLI::App& app, CliContext& ctx);
void addJobCommands(CLI::App& app, CliContext& ctx);
#ifdef PSR_WITH_WORLD
void addAssetCommands(CLI::App& app, CliContext& ctx);
void addWorldCommands(CLI::App& app, CliContext& ctx);
void addDataCommands(CLI::App& app, CliContext& ctx);
void addPerceiveCommands(CLI::App& app, CliContext& ctx);
void addScoreCommand(CLI::App& app, CliContext& ctx);
void addGenerateCommands(CLI::App& app, CliContext& ctx);
void addTrainCommands(CLI::App& app, CliContext& ctx);
void addEvalCommands(CLI::App& app, CliContext& ctx);
void addBenchCommands(CLI::App& app, CliContext& ctx);
#endif

}  // namespace psr::cli
