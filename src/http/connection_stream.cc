#include "http/connection_stream.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace tandem::http {
namespace {

thread_local const ConnectionStream* t_current = nullptr;

int to_ms(double seconds) {
  return static_cast<int>(std::clamp(seconds * 1000.0, 0.0, 2.0e9));
}

// Waits for `events` on fd up to `ms`; the returned revents, 0 on timeout, -1 on error.
int wait(int fd, short events, int ms) {
  pollfd p{fd, events, 0};
  for (;;) {
    const int r = ::poll(&p, 1, ms);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return r;
    return p.revents;
  }
}

bool iequals_prefix(const std::string& line, const char* name) {
  const size_t n = std::strlen(name);
  if (line.size() < n) return false;
  for (size_t i = 0; i < n; ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return false;
  return true;
}

void ip_and_port(const sockaddr_storage& addr, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(addr);
    ::inet_ntop(AF_INET, &a.sin_addr, text, sizeof(text));
    port = ntohs(a.sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(addr);
    ::inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof(text));
    port = ntohs(a.sin6_port);
  }
  ip = text;
}

}  // namespace

int failure_status(StreamFailure f) {
  switch (f) {
    case StreamFailure::kHeaderTimeout:
    case StreamFailure::kBodyTimeout:
      return 408;
    case StreamFailure::kHeaderTooLarge:
      return 431;
    case StreamFailure::kBodyTooLarge:
      return 413;
    case StreamFailure::kNone:
      break;
  }
  return 400;
}

std::string failure_message(StreamFailure f, const ConnectionLimits& limits) {
  auto secs = [](double s) { return std::to_string(static_cast<int>(s + 0.5)) + " s"; };
  switch (f) {
    case StreamFailure::kHeaderTimeout:
      return "the request line and headers took longer than " + secs(limits.header_timeout_s);
    case StreamFailure::kBodyTimeout:
      return "the request body took longer than " + secs(limits.body_timeout_s);
    case StreamFailure::kHeaderTooLarge:
      return "the request headers exceed " + std::to_string(limits.max_header_bytes) + " bytes";
    case StreamFailure::kBodyTooLarge:
      return "the request body exceeds " + std::to_string(limits.max_body_bytes) + " bytes";
    case StreamFailure::kNone:
      break;
  }
  return "request rejected";
}

const char* failure_label(StreamFailure f) {
  switch (f) {
    case StreamFailure::kHeaderTimeout:
      return "header_timeout";
    case StreamFailure::kBodyTimeout:
      return "body_timeout";
    case StreamFailure::kHeaderTooLarge:
      return "header_too_large";
    case StreamFailure::kBodyTooLarge:
      return "body_too_large";
    case StreamFailure::kNone:
      break;
  }
  return "none";
}

ConnectionStream::ConnectionStream(int fd, ConnectionLimits limits) : fd_(fd), limits_(limits) {
  begin_request();
}

const ConnectionStream* ConnectionStream::current() {
  return t_current;
}

CurrentStream::CurrentStream(const ConnectionStream* s) {
  t_current = s;
}
CurrentStream::~CurrentStream() {
  t_current = nullptr;
}

bool ConnectionStream::wait_for_request(double seconds) {
  if (buf_pos_ < buf_len_) return true;
  const int r = wait(fd_, POLLIN, to_ms(seconds));
  return r > 0 && (r & POLLIN);
}

void ConnectionStream::begin_request() {
  phase_ = Phase::kHeaders;
  deadline_ = Clock::now() + std::chrono::milliseconds(to_ms(limits_.header_timeout_s));
  failure_ = StreamFailure::kNone;
  header_bytes_ = body_bytes_ = written_ = 0;
  tail_ = 0;
  head_.clear();
  body_ = Body::kCapped;
  body_cap_ = 0;
  close_requested_ = false;
}

ssize_t ConnectionStream::fail(StreamFailure f) {
  if (failure_ == StreamFailure::kNone) failure_ = f;
  return -1;
}

ssize_t ConnectionStream::fill() {
  if (buf_pos_ < buf_len_) return static_cast<ssize_t>(buf_len_ - buf_pos_);
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
  const StreamFailure timeout =
      phase_ == Phase::kHeaders ? StreamFailure::kHeaderTimeout : StreamFailure::kBodyTimeout;
  if (left.count() <= 0) return fail(timeout);
  const int r = wait(fd_, POLLIN, static_cast<int>(left.count()));
  if (r == 0) return fail(timeout);
  if (r < 0) return -1;
  ssize_t n;
  do {
    n = ::recv(fd_, buf_.data(), buf_.size(), 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return n;  // 0: the client closed (or half-closed) its side
  buf_pos_ = 0;
  buf_len_ = static_cast<size_t>(n);
  return n;
}

void ConnectionStream::parse_framing() {
  // Only what decides how many body bytes may follow: Content-Length and chunked coding.
  bool has_length = false, chunked = false;
  size_t length = 0;
  size_t start = head_.find('\n');
  while (start != std::string::npos && start + 1 < head_.size()) {
    const size_t end = head_.find('\n', start + 1);
    std::string line = head_.substr(start + 1, end == std::string::npos ? end : end - start - 1);
    if (iequals_prefix(line, "content-length:")) {
      has_length = true;
      try {
        length = std::stoull(line.substr(15));
      } catch (const std::exception&) {
        length = 0;  // httplib refuses the malformed header itself
      }
    } else if (iequals_prefix(line, "transfer-encoding:")) {
      std::string v = line.substr(18);
      std::transform(v.begin(), v.end(), v.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      chunked = v.find("chunked") != std::string::npos;
    }
    start = end;
  }
  const size_t max = limits_.max_body_bytes;
  body_ = Body::kCapped;
  if (chunked) {
    // Chunk framing is counted too: up to twice the limit plus slack, so memory stays
    // bounded; the decoded body is held to the exact limit once read.
    body_cap_ = 2 * max + (64 << 10);
  } else if (!has_length) {
    body_ = Body::kEmpty;
  } else if (length > 4 * max) {
    declared_ = length;
    // httplib answers 413 after discarding the declared body, which keeps the connection
    // clean and lets a client that is still sending read the answer. Up to 4x the limit that
    // is worth it; beyond, refuse without reading (and close).
    body_ = Body::kRefused;
  } else {
    body_cap_ = length;
  }
  head_.clear();
  head_.shrink_to_fit();
}

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  if (size == 0) return 0;
  if (phase_ == Phase::kHeaders) {
    const ssize_t avail = fill();
    if (avail <= 0) return avail;
    // Deliver up to the end of the head, so the body is counted and timed as body.
    size_t n = 0;
    while (n < size && buf_pos_ < buf_len_) {
      const char c = buf_[buf_pos_++];
      ptr[n++] = c;
      tail_ = (tail_ << 8) | static_cast<uint8_t>(c);
      if (++header_bytes_ > limits_.max_header_bytes) return fail(StreamFailure::kHeaderTooLarge);
      head_.push_back(c);
      if (tail_ == 0x0D0A0D0A || (tail_ & 0xFFFF) == 0x0A0A) {
        parse_framing();
        phase_ = Phase::kBody;
        deadline_ = Clock::now() + std::chrono::milliseconds(to_ms(limits_.body_timeout_s));
        break;
      }
    }
    return static_cast<ssize_t>(n);
  }
  if (body_ == Body::kRefused) return fail(StreamFailure::kBodyTooLarge);
  if (body_ == Body::kEmpty) return 0;
  const size_t cap = body_cap_;
  if (body_bytes_ >= cap) return fail(StreamFailure::kBodyTooLarge);
  const ssize_t avail = fill();
  if (avail <= 0) return avail;
  const size_t n = std::min({size, static_cast<size_t>(avail), cap - body_bytes_});
  std::memcpy(ptr, buf_.data() + buf_pos_, n);
  buf_pos_ += n;
  body_bytes_ += n;
  return static_cast<ssize_t>(n);
}

bool ConnectionStream::is_readable() const {
  if (buf_pos_ < buf_len_) return true;
  const int r = wait(fd_, POLLIN, 0);
  return r > 0 && (r & POLLIN);
}

bool ConnectionStream::is_writable() const {
  // No peek for end-of-stream: a half-closed client still reads the answer. A client that is
  // gone shows up as POLLERR/POLLHUP, or as a failed write.
  const int r = wait(fd_, POLLOUT, to_ms(limits_.write_timeout_s));
  return r > 0 && (r & POLLOUT) && !(r & (POLLERR | POLLHUP));
}

ssize_t ConnectionStream::write(const char* ptr, size_t size) {
  const int r = wait(fd_, POLLOUT, to_ms(limits_.write_timeout_s));
  if (r <= 0 || !(r & POLLOUT)) return -1;
  ssize_t n;
  do {
    n = ::send(fd_, ptr, size, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n > 0) written_ += static_cast<size_t>(n);
  return n;
}

void ConnectionStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    ip_and_port(addr, ip, port);
}

void ConnectionStream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    ip_and_port(addr, ip, port);
}

}  // namespace tandem::http
