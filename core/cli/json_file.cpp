#include "cli/json_file.h"

#include <fstream>
#include <sstream>

#include "common/error.h"
#include "io/json_limits.h"

namespace psr::cli {

std::string readTextFile(const std::filesystem::path& file, const std::string& what, std::size_t maxBytes) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) throw Error("cannot read " + what + " " + file.string(), ErrorCode::NotFound);
  if (size > maxBytes)
    throw Error(what + " " + file.string() + " is " + std::to_string(size) + " bytes, over the limit of " +
                    std::to_string(maxBytes),
                ErrorCode::InvalidArgument);
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error("cannot read " + what + " " + file.string(), ErrorCode::NotFound);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json readJsonFile(const std::filesystem::path& file, const std::string& what) {
  return io::parseJsonInput(readTextFile(file, what), what + " " + file.string(), ErrorCode::InvalidArgument,
                            16u << 20);
}

}  // namespace psr::cli
