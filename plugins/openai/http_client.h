#pragma once
// A blocking HTTP client over libcurl for JSON APIs: POST with headers, connect and total
// timeouts, cancellation, and errors that say whether retrying can help.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/cancel.h"
#include "common/error.h"

namespace psr::openai {

/// One POST: where, what, and how long to wait for it.
struct HttpRequest {
  std::string url;
  std::vector<std::string> headers;  ///< "Name: value" lines
  std::string body;
  std::chrono::milliseconds connectTimeout{10'000};
  std::chrono::milliseconds totalTimeout{60'000};
};

/// A complete HTTP response, whatever its status.
struct HttpResponse {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  ///< names lower-cased, in arrival order

  /// The value of the first header named `lowerCaseName`, if any.
  std::optional<std::string> header(const std::string& lowerCaseName) const;
};

/// No HTTP response arrived (timeout, refused connection, TLS failure, bad URL...).
class TransportError : public Error {
 public:
  /// `retryable`: whether a later attempt may succeed (timeouts and connection failures).
  TransportError(const std::string& message, bool retryable) : Error(message, ErrorCode::Io), retryable_(retryable) {}
  /// True when the failure is transient, so a later attempt may succeed.
  bool retryable() const noexcept { return retryable_; }

 private:
  bool retryable_;
};

/// Thread-safe: every call runs on its own libcurl handles, taken from a pool so that
/// connections and TLS sessions are reused from one call to the next.
class HttpClient {
 public:
  /// Initialises libcurl once per process copy of this library.
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// POSTs `request` and returns the response of any status. Throws TransportError (naming the
  /// URL) when no response arrived, Error(Cancelled) soon after `cancel` fires.
  HttpResponse post(const HttpRequest& request, const CancellationToken& cancel);

 private:
  struct Pool;
  std::unique_ptr<Pool> pool_;
};

}  // namespace psr::openai
