#include "openai/chat_protocol.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/json_limits.h"
#include "openai/base64.h"

namespace psr::openai {
namespace {

nlohmann::json contentJson(const ChatMessage& message) {
  // A lone text part goes out as a plain string: text-only servers accept nothing else.
  if (message.content.empty()) return "";
  if (message.content.size() == 1 && std::holds_alternative<std::string>(message.content[0])) {
    return std::get<std::string>(message.content[0]);
  }
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& part : message.content) {
    if (const auto* text = std::get_if<std::string>(&part)) {
      parts.push_back({{"type", "text"}, {"text", *text}});
      continue;
    }
    const auto& image = std::get<ImagePart>(part);
    if (image.bytes.empty()) throw Error("chat request: an image part has no bytes", ErrorCode::InvalidArgument);
    parts.push_back({{"type", "image_url"},
                     {"image_url", {{"url", "data:" + image.mimeType + ";base64," + base64Encode(image.bytes)}}}});
  }
  return parts;
}

std::string quoted(const std::string& body) { return "\"" + bodyExcerpt(body) + "\""; }

}  // namespace

std::string chatRequestBody(const OpenAiConfig& config, const std::vector<ChatMessage>& messages) {
  if (messages.empty()) throw Error("chat request: no messages", ErrorCode::InvalidArgument);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& message : messages) {
    if (message.role.empty()) throw Error("chat request: a message has no role", ErrorCode::InvalidArgument);
    list.push_back({{"role", message.role}, {"content", contentJson(message)}});
  }
  nlohmann::json body{{"model", config.model}, {"messages", std::move(list)}, {"temperature", config.temperature}};
  if (config.maxTokens) body["max_tokens"] = *config.maxTokens;
  // Prompts may come from user files: invalid UTF-8 is replaced rather than refused.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string chatResponseText(const std::string& body, const std::string& source) {
  // Depth-checked first: the answer's parts are copied and quoted, which recurses per level.
  const auto json = io::parseJsonInputOrDiscarded(body, kMaxResponseJsonBytes);
  if (json.is_discarded()) throw Error(source + ": the response is not JSON: " + quoted(body), ErrorCode::Corrupt);
  if (!json.is_object())
    throw Error(source + ": the response is not a JSON object: " + quoted(body), ErrorCode::Corrupt);
  if (json.contains("error") && !json.contains("choices")) {
    throw Error(source + ": the server reported an error: " + serverErrorMessage(body), ErrorCode::Io);
  }
  const auto choices = json.find("choices");
  if (choices == json.end() || !choices->is_array() || choices->empty() || !(*choices)[0].is_object()) {
    throw Error(source + ": the response has no choices: " + quoted(body), ErrorCode::Corrupt);
  }
  const auto& choice = (*choices)[0];
  const auto message = choice.find("message");
  if (message == choice.end() || !message->is_object()) {
    throw Error(source + ": the response's first choice has no message: " + quoted(body), ErrorCode::Corrupt);
  }
  const auto content = message->find("content");
  if (content != message->end() && content->is_string()) return content->get<std::string>();
  if (content != message->end() && content->is_array()) {
    std::string text;
    bool any = false;
    for (const auto& part : *content) {
      if (!part.is_object()) continue;
      const auto type = part.find("type");
      const auto partText = part.find("text");
      const bool isText = type == part.end() || (type->is_string() && *type == "text");
      if (isText && partText != part.end() && partText->is_string()) {
        text += partText->get<std::string>();
        any = true;
      }
    }
    if (any) return text;
  }
  std::string reason;
  if (const auto finish = choice.find("finish_reason"); finish != choice.end() && finish->is_string()) {
    reason = " (finish_reason: " + finish->get<std::string>() + ")";
  }
  throw Error(source + ": the answer has no text content" + reason + ": " + quoted(body), ErrorCode::Corrupt);
}

std::string serverErrorMessage(const std::string& body) {
  const auto json = io::parseJsonInputOrDiscarded(body, kMaxResponseJsonBytes);
  if (json.is_object()) {
    if (const auto error = json.find("error"); error != json.end()) {
      if (error->is_string()) return bodyExcerpt(error->get<std::string>(), 500);
      if (error->is_object()) {
        const auto message = error->find("message");
        if (message != error->end() && message->is_string()) return bodyExcerpt(message->get<std::string>(), 500);
      }
    }
    for (const char* key : {"detail", "message"}) {
      const auto it = json.find(key);
      if (it != json.end())
        return bodyExcerpt(it->is_string() ? it->get<std::string>()
                                           : it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                           500);
    }
  }
  return bodyExcerpt(body);
}

std::string bodyExcerpt(const std::string& body, std::size_t maxBytes) {
  std::size_t n = std::min(body.size(), maxBytes);
  while (n < body.size() && n > 0 && (static_cast<unsigned char>(body[n]) & 0xC0) == 0x80) --n;
  std::string out = body.substr(0, n);
  std::replace_if(
      out.begin(), out.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }, ' ');
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (n < body.size()) out += "...";
  return out.empty() ? "(empty body)" : out;
}

}  // namespace psr::openai
