// `psr plugins list`: which provider plugins the configured folders hold, and which were refused.
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_context.h"
#include "cli/exit_codes.h"
#include "common/logging.h"
#include "common/paths.h"
#include "plugin/plugin_loader.h"

namespace psr::cli {

void addPluginCommands(CLI::App& app, CliContext& ctx) {
  auto* plugins = app.add_subcommand("plugins", "Provider plugins ($PSR_PLUGIN_PATH, then the installed ones)");
  plugins->require_subcommand(1);
  auto asJson = std::make_shared<bool>(false);
  auto* list = plugins->add_subcommand("list", "Plugins found: loaded ones with name, version and file; refused ones "
                                               "with the reason");
  list->add_flag("--json", *asJson, "Print machine-readable JSON");
  list->callback([&ctx, asJson] {
    ctx.action = [asJson] {
      // The loader's per-plugin log lines would repeat what this command prints.
      setConsoleLogLevel(spdlog::level::err);
      const auto dirs = pluginDirs();
      plugin::Registry registry(logger());
      const auto found = plugin::loadPlugins(dirs, registry);
      nlohmann::json loaded = nlohmann::json::array(), refused = nlohmann::json::array();
      nlohmann::json folders = nlohmann::json::array();
      for (const auto& dir : dirs) folders.push_back(dir.string());
      for (const auto& p : found) {
        if (p.error.empty()) {
          loaded.push_back(
              {{"name", p.name}, {"version", p.version}, {"description", p.description}, {"file", p.file.string()}});
        } else {
          refused.push_back({{"file", p.file.string()}, {"reason", p.error}});
        }
      }
      if (*asJson) {
        std::cout << nlohmann::json{{"dirs", folders}, {"plugins", loaded}, {"refused", refused}}.dump(2) << "\n";
        return int(kExitOk);
      }
      std::cout << "searched:";
      for (const auto& dir : dirs) std::cout << " " << dir.string();
      std::cout << "\n";
      if (loaded.empty()) std::cout << "no plugins loaded\n";
      for (const auto& p : loaded) {
        std::cout << p["name"].get<std::string>() << " " << p["version"].get<std::string>() << "  "
                  << p["description"].get<std::string>() << "\n  " << p["file"].get<std::string>() << "\n";
      }
      for (const auto& r : refused) {
        std::cout << "refused " << r["file"].get<std::string>() << ": " << r["reason"].get<std::string>() << "\n";
      }
      return int(kExitOk);
    };
  });
}

}  // namespace psr::cli
