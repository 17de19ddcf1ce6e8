#pragma once
// What a chat model is asked and how: messages of text and images, and the client interface
// that prompt writers, captioners and judges are built on.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "common/cancel.h"

namespace psr::openai {

/// An encoded image file (PNG unless said otherwise), sent as a data URL.
struct ImagePart {
  std::string mimeType = "image/png";
  std::vector<std::uint8_t> bytes;
};

/// One piece of a message's content: text or an image.
using ContentPart = std::variant<std::string, ImagePart>;

/// One chat message; its parts are sent in order.
struct ChatMessage {
  std::string role;  ///< "system", "user" or "assistant"
  std::vector<ContentPart> content;

  /// A system message holding `text`.
  static ChatMessage system(std::string text);
  /// A user message: `text`, then each PNG file in `pngImages`.
  static ChatMessage user(std::string text, std::vector<std::vector<std::uint8_t>> pngImages = {});
};

/// A chat model behind some API; implementations are safe to call from several threads.
class ChatClient {
 public:
  virtual ~ChatClient() = default;
  /// The model's answer to `messages`. Throws psr::Error with a message a user can act on;
  /// ErrorCode::Cancelled soon after `cancel` fires.
  virtual std::string complete(const std::vector<ChatMessage>& messages, const CancellationToken& cancel) = 0;
};

}  // namespace psr::openai
