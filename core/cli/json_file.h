#pragma once
// Reading a JSON file named on the command line (job specs, scenes, provider configs): missing
// file -> NotFound; too large, too deep or malformed -> InvalidArgument naming the file
// (limits from io/json_limits.h, checked before parsing).
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace psr::cli {

/// The file's text, at most `maxBytes` (InvalidArgument beyond).
std::string readTextFile(const std::filesystem::path& file, const std::string& what, std::size_t maxBytes = 16u << 20);
/// `what` names the file in messages ("job spec", "--provider-config", ...).
nlohmann::json readJsonFile(const std::filesystem::path& file, const std::string& what);

}  // namespace psr::cli
