// A chat-completions HTTP response body: the answer text, the server's error message and the
// excerpt quoted in messages. Bodies come from any server a config names.
#include "fuzz_common.h"
#include "openai/chat_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(fuzzText(data, size));
  refusalOk([&] { (void)psr::openai::chatResponseText(body, "fuzz"); });
  const std::string message = psr::openai::serverErrorMessage(body);
  PSR_FUZZ_CHECK(!message.empty() && message.size() <= 503);
  const std::string excerpt = psr::openai::bodyExcerpt(body, 64);
  PSR_FUZZ_CHECK(!excerpt.empty() && excerpt.size() <= 67);
  for (const char c : excerpt) PSR_FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
  return 0;
}
