#include "cli/plugin_providers.h"

#include "cli/json_file.h"
#include "common/error.h"

namespace psr::cli {

nlohmann::json providerConfig(const std::string& file, const char* option, const char* role) {
  if (file.empty()) return nlohmann::json::object();
  const nlohmann::json j = readJsonFile(file, option);
  if (!j.is_object())
    throw Error(std::string(option) + " " + file + " must hold a JSON object", ErrorCode::InvalidArgument);
  // One file may carry the settings of several roles (one endpoint for the whole pipeline).
  if (!j.contains("prompt_writer") && !j.contains("captioner") && !j.contains("judge")) return j;
  return j.value(role, nlohmann::json::object());
}

void refuseUnknownProvider(const std::string& name, const char* option, const std::string& builtin,
                           const std::vector<std::string>& available, const std::vector<std::filesystem::path>& dirs) {
  std::string names = builtin, folders;
  for (const auto& n : available) names += ", " + n;
  for (const auto& d : dirs) folders += (folders.empty() ? "" : ", ") + d.string();
  throw Error(std::string(option) + " '" + name + "' is unknown; available: " + names + " (plugins are loaded from " +
                  folders + "; add folders with PSR_PLUGIN_PATH)",
              ErrorCode::InvalidArgument);
}

}  // namespace psr::cli
