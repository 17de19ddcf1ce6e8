#pragma once
// The chat-completions wire format: request bodies out, answer text and error messages in.
#include <string>
#include <vector>

#include "openai/chat_client.h"
#include "openai/openai_config.h"

namespace psr::openai {

/// Response bodies are parsed only up to this size (the HTTP client stops reading at 32 MiB).
inline constexpr std::size_t kMaxResponseJsonBytes = std::size_t(64) << 20;

/// The JSON body asking `config.model` for a completion of `messages`; text parts go out as
/// strings when a message has no image, else in the vision format with images as data URLs.
/// Throws psr::Error(InvalidArgument) for no messages, an empty role or an empty image.
std::string chatRequestBody(const OpenAiConfig& config, const std::vector<ChatMessage>& messages);

/// The text of `choices[0].message.content` (a string, or the text parts of an array). Throws
/// psr::Error(Corrupt) naming `source` for a body that is not JSON or lacks the answer, and
/// psr::Error(Io) for an error object sent with a success status.
std::string chatResponseText(const std::string& body, const std::string& source);

/// What an error response says: `error.message` (OpenAI), `error` as a string, `detail` or
/// `message`; otherwise a short printable excerpt of the body.
std::string serverErrorMessage(const std::string& body);

/// At most `maxBytes` of `body` with control characters blanked, cut on a UTF-8 boundary, for
/// quoting a response that was not understood.
std::string bodyExcerpt(const std::string& body, std::size_t maxBytes = 200);

}  // namespace psr::openai
