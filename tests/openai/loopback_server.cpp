#include "loopback_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <memory>
#include <stdexcept>

namespace {

// Reads more bytes into `buffer`; false on end of stream, error, or when the server stops.
bool readMore(int fd, std::string& buffer, const std::atomic<bool>& stopping) {
  while (!stopping) {
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, 20);
    if (ready < 0) return false;
    if (ready == 0) continue;
    char chunk[4096];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, std::size_t(n));
    return true;
  }
  return false;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

}  // namespace

LoopbackServer::LoopbackServer(Handler handler) : handler_(std::move(handler)) {
  listenFd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listenFd_ < 0 || ::bind(listenFd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listenFd_, 64) != 0 || ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (listenFd_ >= 0) ::close(listenFd_);
    throw std::runtime_error("loopback server: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { acceptLoop(); });
}

LoopbackServer::~LoopbackServer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stopped_.notify_all();
  acceptor_.join();
  // The acceptor has ended, so nothing adds to connections_ any more.
  for (auto& t : connections_) t.join();
  ::close(listenFd_);
}

std::string LoopbackServer::baseUrl() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

std::vector<LoopbackServer::Request> LoopbackServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

LoopbackServer::Handler LoopbackServer::script(std::vector<Reply> replies) {
  struct State {
    std::mutex mutex;
    std::deque<Reply> replies;
  };
  auto state = std::make_shared<State>();
  state->replies.assign(replies.begin(), replies.end());
  return [state](const Request&) {
    std::lock_guard lock(state->mutex);
    Reply r = state->replies.front();
    if (state->replies.size() > 1) state->replies.pop_front();
    return r;
  };
}

void LoopbackServer::acceptLoop() {
  while (!stopping_) {
    pollfd p{listenFd_, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    const int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard lock(mutex_);
    connections_.emplace_back([this, fd] {
      serve(fd);
      ::close(fd);
    });
  }
}

void LoopbackServer::serve(int fd) {
  std::string buffer;
  std::size_t headerEnd;
  while ((headerEnd = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (!readMore(fd, buffer, stopping_)) return;
  }
  Request request;
  std::size_t lineEnd = buffer.find("\r\n");
  const std::string requestLine = buffer.substr(0, lineEnd);
  request.method = requestLine.substr(0, requestLine.find(' '));
  request.target = requestLine.substr(request.method.size() + 1, requestLine.rfind(' ') - request.method.size() - 1);
  while (lineEnd < headerEnd) {
    const std::size_t next = buffer.find("\r\n", lineEnd + 2);
    const std::string line = buffer.substr(lineEnd + 2, next - lineEnd - 2);
    const std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      const std::size_t valueStart = line.find_first_not_of(' ', colon + 1);
      request.headers[lower(line.substr(0, colon))] = valueStart == std::string::npos ? "" : line.substr(valueStart);
    }
    lineEnd = next;
  }
  const auto length = request.headers.count("content-length") ? std::stoul(request.headers["content-length"]) : 0;
  while (buffer.size() < headerEnd + 4 + length) {
    if (!readMore(fd, buffer, stopping_)) return;
  }
  request.body = buffer.substr(headerEnd + 4, length);
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
  }
  const Reply reply = handler_(request);
  {
    std::unique_lock lock(mutex_);
    if (stopped_.wait_for(lock, reply.delay, [this] { return stopping_.load(); })) return;
  }
  std::string out = "HTTP/1.1 " + std::to_string(reply.status) +
                    " Scripted\r\nContent-Length: " + std::to_string(reply.body.size()) + "\r\nConnection: close\r\n";
  for (const auto& [name, value] : reply.headers) out += name + ": " + value + "\r\n";
  out += "\r\n" + reply.body;
  // MSG_NOSIGNAL: a client that gave up must not kill the test with SIGPIPE.
  for (std::size_t sent = 0; sent < out.size();) {
    const ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += std::size_t(n);
  }
}
