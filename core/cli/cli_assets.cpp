// `psr assets import [--from DIR] [--force]`: the emoji world's artwork into the workspace.
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_context.h"
#include "cli/exit_codes.h"
#include "store/workspace.h"
#include "world/asset_import.h"
#include "world/catalog.h"

namespace psr::cli {

void addAssetCommands(CLI::App& app, CliContext& ctx) {
  auto* assets = app.add_subcommand("assets", "Install the emoji world's artwork into the workspace");
  assets->require_subcommand(1);
  auto* import = assets->add_subcommand(
      "import", "Verify the pinned npm tarballs and extract the world's artwork and catalog (idempotent)");
  auto from = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  auto json = std::make_shared<bool>(false);
  import->add_option("--from", *from, "Folder with the tarballs (default: " + world::assetCacheDir().string() + ")");
  import->add_flag("--force", *force, "Import again even when the workspace is up to date");
  import->add_flag("--json", *json, "Print machine-readable JSON");
  import->callback([&ctx, from, force, json] {
    ctx.action = [&ctx, from, force, json] {
      auto workspace = ctx.openWorkspace();
      world::ImportOptions options;
      options.fromDir = *from;
      options.force = *force;
      const auto report = world::importAssets(*workspace, options);
      const auto stats = world::worldStats(workspace->db());
      if (*json) {
        std::cout << nlohmann::json{{"skipped", report.skipped},
                                    {"seconds", report.seconds},
                                    {"images_by_vendor", report.imagesByVendor},
                                    {"world", stats.toJson()}}
                         .dump(2)
                  << "\n";
      } else if (report.skipped) {
        std::cout << "assets up to date: " << stats.identities << " identities of " << stats.categories
                  << " categories\n";
      } else {
        std::cout << "imported " << report.identities << " identities of " << report.categories << " categories, "
                  << report.accessories << " accessories, " << report.backgrounds << " backgrounds in "
                  << report.seconds << " s\n";
      }
      return int(kExitOk);
    };
  });
}

}  // namespace psr::cli
