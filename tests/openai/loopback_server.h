#pragma once
// A scripted HTTP/1.1 server on 127.0.0.1 for client tests. It answers each connection's one
// request (Content-Length bodies) on its own thread, with "Connection: close", and records
// every request it read.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

class LoopbackServer {
 public:
  /// A request as received; header names lower-cased.
  struct Request {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;
    std::string body;
  };
  /// What to answer, after `delay` (cut short, without an answer, when the server stops).
  struct Reply {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::chrono::milliseconds delay{0};
  };
  using Handler = std::function<Reply(const Request&)>;

  /// Listens on an ephemeral port; `handler` may be called from several threads at once.
  explicit LoopbackServer(Handler handler);
  /// Stops listening, abandons pending delayed replies and joins every thread.
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  /// "http://127.0.0.1:<port>/v1", what an OpenAI-compatible base_url looks like.
  std::string baseUrl() const;
  /// Every request read so far, in arrival order.
  std::vector<Request> requests() const;

  /// A handler answering with `replies` in order and repeating the last one.
  static Handler script(std::vector<Reply> replies);

 private:
  void acceptLoop();
  void serve(int fd);

  Handler handler_;
  int listenFd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::condition_variable stopped_;
  std::vector<Request> requests_;
  std::vector<std::thread> connections_;
  std::thread acceptor_;
};
