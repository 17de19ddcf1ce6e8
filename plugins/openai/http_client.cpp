#include "openai/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <string_view>

namespace psr::openai {
namespace {

// A runaway or hostile server must not exhaust memory; chat answers are a few kilobytes.
constexpr std::size_t kMaxResponseBytes = std::size_t(32) << 20;
// How long one wait for socket activity may last: it bounds how late a cancellation is seen,
// because the progress callback runs on every curl_multi_perform.
constexpr int kPollMs = 20;

void initCurlOnce() {
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK) throw Error(std::string("cannot initialise libcurl: ") + curl_easy_strerror(rc), ErrorCode::Io);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// What one transfer's callbacks fill in.
struct Transfer {
  const CancellationToken* cancel = nullptr;
  HttpResponse response;
  bool tooLarge = false;
};

size_t onBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  if (t->response.body.size() + bytes > kMaxResponseBytes) {
    t->tooLarge = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, bytes);
  return bytes;
}

size_t onHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  const std::string_view line(data, bytes);
  // A status line starts a new response (after an interim 1xx one): keep the final headers only.
  if (line.rfind("HTTP/", 0) == 0) {
    t->response.headers.clear();
    return bytes;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;
  std::string name(trim(line.substr(0, colon)));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  t->response.headers.emplace_back(std::move(name), std::string(trim(line.substr(colon + 1))));
  return bytes;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<Transfer*>(user)->cancel->isCancelled() ? 1 : 0;
}

// Failures where the server may well answer a later attempt.
bool isTransient(CURLcode rc) {
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return true;
    default: return false;
  }
}

}  // namespace

std::optional<std::string> HttpResponse::header(const std::string& lowerCaseName) const {
  for (const auto& [name, value] : headers) {
    if (name == lowerCaseName) return value;
  }
  return std::nullopt;
}

// Idle (multi, easy) handle pairs. A multi handle owns its connection cache, so keeping the
// pair together is what lets a later call reuse an open connection.
struct HttpClient::Pool {
  struct Handles {
    CURLM* multi = nullptr;
    CURL* easy = nullptr;
  };
  std::mutex mutex;
  std::vector<Handles> idle;

  ~Pool() {
    for (const auto& h : idle) {
      curl_multi_cleanup(h.multi);
      curl_easy_cleanup(h.easy);
    }
  }

  Handles take() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        Handles h = idle.back();
        idle.pop_back();
        return h;
      }
    }
    Handles h{curl_multi_init(), curl_easy_init()};
    if (!h.multi || !h.easy) {
      if (h.multi) curl_multi_cleanup(h.multi);
      if (h.easy) curl_easy_cleanup(h.easy);
      throw Error("cannot create libcurl handles (out of memory?)", ErrorCode::Io);
    }
    return h;
  }

  void give(Handles h) {
    std::lock_guard lock(mutex);
    idle.push_back(h);
  }
};

HttpClient::HttpClient() : pool_(std::make_unique<Pool>()) { initCurlOnce(); }

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::post(const HttpRequest& request, const CancellationToken& cancel) {
  cancel.throwIfCancelled();
  curl_slist* headerList = nullptr;
  for (const auto& line : request.headers) headerList = curl_slist_append(headerList, line.c_str());
  // Without this libcurl sends "Expect: 100-continue" for bodies over 1 KiB and then waits for
  // an interim answer that many servers never send.
  headerList = curl_slist_append(headerList, "Expect:");
  const std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headerGuard(headerList, curl_slist_free_all);

  Transfer transfer;
  transfer.cancel = &cancel;
  char errorBuffer[CURL_ERROR_SIZE] = {};
  const Pool::Handles h = pool_->take();
  // Returns the handles to the pool on every path, before the buffers their options point to
  // are gone; a handle still inside the multi one is detached first so the pair can be reused.
  struct Lease {
    Pool& pool;
    Pool::Handles h;
    bool added = false;
    ~Lease() {
      if (added) curl_multi_remove_handle(h.multi, h.easy);
      pool.give(h);
    }
  } lease{*pool_, h};

  CURL* easy = h.easy;
  curl_easy_reset(easy);
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headerList);
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connectTimeout.count()));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.totalTimeout.count()));
  // Signals cannot interrupt a worker thread safely; timeouts are enforced without them.
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errorBuffer);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, onBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, onHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, onProgress);
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &transfer);

  const std::string where = "POST " + request.url;
  if (CURLMcode mc = curl_multi_add_handle(h.multi, easy); mc != CURLM_OK) {
    throw TransportError(where + ": " + curl_multi_strerror(mc), false);
  }
  lease.added = true;
  for (int running = 1;;) {
    if (CURLMcode mc = curl_multi_perform(h.multi, &running); mc != CURLM_OK) {
      throw TransportError(where + ": " + curl_multi_strerror(mc), false);
    }
    if (running == 0) break;
    if (CURLMcode mc = curl_multi_poll(h.multi, nullptr, 0, kPollMs, nullptr); mc != CURLM_OK) {
      throw TransportError(where + ": " + curl_multi_strerror(mc), false);
    }
  }
  CURLcode rc = CURLE_OK;
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(h.multi, &queued)) {
    if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy) rc = msg->data.result;
  }

  if (rc == CURLE_ABORTED_BY_CALLBACK) throw Error(where + ": cancelled", ErrorCode::Cancelled);
  if (rc == CURLE_WRITE_ERROR && transfer.tooLarge) {
    throw TransportError(where + ": response larger than " + std::to_string(kMaxResponseBytes >> 20) + " MiB", false);
  }
  if (rc != CURLE_OK) {
    const std::string detail = errorBuffer[0] ? errorBuffer : curl_easy_strerror(rc);
    throw TransportError(where + " failed: " + detail, isTransient(rc));
  }
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &transfer.response.status);
  return std::move(transfer.response);
}

}  // namespace psr::openai
