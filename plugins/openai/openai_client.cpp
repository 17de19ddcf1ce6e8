#include "openai/openai_client.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "common/logging.h"
#include "openai/cancellable_sleep.h"
#include "openai/chat_protocol.h"
#include "openai/retry_policy.h"

namespace psr::openai {
namespace {

std::chrono::milliseconds toMs(double seconds) {
  return std::chrono::milliseconds(std::max(1LL, std::llround(seconds * 1000.0)));
}

ErrorCode codeForStatus(long status) {
  if (status == 400 || status == 413 || status == 422) return ErrorCode::InvalidArgument;
  if (status == 404) return ErrorCode::NotFound;
  return ErrorCode::Io;
}

}  // namespace

OpenAiClient::OpenAiClient(OpenAiConfig config, std::shared_ptr<spdlog::logger> log)
    : config_(std::move(config)), log_(log ? std::move(log) : psr::logger()), limiter_(config_.requestsPerMinute) {
  if (const char* key = std::getenv(config_.apiKeyEnv.c_str())) apiKey_ = key;
  headers_ = {"Content-Type: application/json", "Accept: application/json", "User-Agent: PSR-Studio"};
  if (!apiKey_.empty()) headers_.push_back("Authorization: Bearer " + apiKey_);
}

std::string OpenAiClient::complete(const std::vector<ChatMessage>& messages, const CancellationToken& cancel) {
  const std::string url = config_.chatCompletionsUrl();
  const std::string where = "POST " + url;
  try {
    const HttpRequest request{url, headers_, chatRequestBody(config_, messages), toMs(config_.connectTimeoutS),
                              toMs(config_.timeoutS)};
    for (int attempt = 0;; ++attempt) {
      if (limiter_.acquire(cancel)) ++rateLimitWaits_;
      ++requests_;
      if (attempt > 0) ++retries_;
      std::string failure;
      std::optional<std::chrono::milliseconds> wait;
      try {
        const HttpResponse response = http_.post(request, cancel);
        // Redacted before anything reads it: an excerpt could otherwise cut an echoed key in
        // two (leaving its start), and an answer that repeats the key would store it.
        const std::string body = redact(response.body);
        if (response.status >= 200 && response.status < 300) return redact(chatResponseText(body, where));
        failure = where + ": HTTP " + std::to_string(response.status) + ": " + serverErrorMessage(body);
        if ((response.status == 401 || response.status == 403) && apiKey_.empty()) {
          failure += " (no API key: environment variable " + config_.apiKeyEnv + " is not set)";
        }
        if (!isRetryableStatus(response.status)) throw Error(failure, codeForStatus(response.status));
        wait = retryAfter(response);
        if (wait && *wait > kMaxRetryAfter) {
          throw Error(failure + " (the server asks to retry after " + std::to_string(wait->count() / 1000) + " s)",
                      ErrorCode::Io);
        }
      } catch (const TransportError& e) {
        if (!e.retryable()) throw;
        failure = e.what();
      }
      if (attempt >= config_.maxRetries) {
        const std::string attempts = attempt == 0 ? "1 attempt" : std::to_string(attempt + 1) + " attempts";
        throw Error(failure + " (gave up after " + attempts + ")", ErrorCode::Io);
      }
      const auto delay = wait.value_or(backoffDelay(attempt, config_.retryBackoffS));
      log_->warn("openai: {}; retry {} of {} in {} ms", redact(failure), attempt + 1, config_.maxRetries,
                 delay.count());
      sleepCancellable(delay, cancel);
    }
  } catch (const Error& e) {
    if (e.code() != ErrorCode::Cancelled) ++failures_;
    // Servers sometimes echo the key they refused; nothing of it leaves this client.
    throw Error(redact(e.what()), e.code());
  }
}

OpenAiStats OpenAiClient::stats() const {
  return {requests_.load(), retries_.load(), failures_.load(), rateLimitWaits_.load()};
}

std::string OpenAiClient::redact(std::string text) const {
  if (apiKey_.empty()) return text;
  static const std::string kMark = "[redacted]";
  for (auto pos = text.find(apiKey_); pos != std::string::npos; pos = text.find(apiKey_, pos + kMark.size())) {
    text.replace(pos, apiKey_.size(), kMark);
  }
  return text;
}

}  // namespace psr::openai
