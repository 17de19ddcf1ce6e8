#include "openai/chat_client.h"

namespace psr::openai {

ChatMessage ChatMessage::system(std::string text) { return {"system", {std::move(text)}}; }

ChatMessage ChatMessage::user(std::string text, std::vector<std::vector<std::uint8_t>> pngImages) {
  ChatMessage message{"user", {std::move(text)}};
  for (auto& png : pngImages) message.content.emplace_back(ImagePart{"image/png", std::move(png)});
  return message;
}

}  // namespace psr::openai
