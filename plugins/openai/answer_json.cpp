#include "openai/answer_json.h"

#include <optional>
#include <vector>

#include "common/error.h"
#include "io/json_limits.h"
#include "openai/chat_protocol.h"

namespace psr::openai {
namespace {

std::optional<nlohmann::json> objectIn(const std::string& text) {
  // Depth-checked: callers quote parts of the object in messages, which recurses per level.
  nlohmann::json j = io::parseJsonInputOrDiscarded(text, kMaxResponseJsonBytes);
  if (j.is_object()) return j;
  return std::nullopt;
}

/// The contents of every ``` fenced block, without the fence lines' language tags.
std::vector<std::string> fencedBlocks(const std::string& answer) {
  std::vector<std::string> blocks;
  for (std::size_t open = answer.find("```"); open != std::string::npos;) {
    const std::size_t lineEnd = answer.find('\n', open);
    if (lineEnd == std::string::npos) break;
    const std::size_t close = answer.find("```", lineEnd);
    if (close == std::string::npos) break;
    blocks.push_back(answer.substr(lineEnd + 1, close - lineEnd - 1));
    open = answer.find("```", close + 3);
  }
  return blocks;
}

}  // namespace

nlohmann::json jsonObjectInAnswer(const std::string& answer, const std::string& source) {
  if (auto j = objectIn(answer)) return *j;
  for (const auto& block : fencedBlocks(answer)) {
    if (auto j = objectIn(block)) return *j;
  }
  const std::size_t first = answer.find('{');
  const std::size_t last = answer.rfind('}');
  if (first != std::string::npos && last != std::string::npos && first < last) {
    if (auto j = objectIn(answer.substr(first, last - first + 1))) return *j;
  }
  throw Error(source + ": the model's answer holds no JSON object: \"" + bodyExcerpt(answer) + "\"",
              ErrorCode::Corrupt);
}

}  // namespace psr::openai
