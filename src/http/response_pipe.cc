#include "http/response_pipe.h"

namespace tandem::http {

void ResponsePipe::attach(const std::shared_ptr<ResponsePipe>& pipe, httplib::Request& req) {
  req.response_handler = [pipe](const httplib::Response& r) {
    std::lock_guard lock(pipe->mu);
    pipe->status = r.status;
    pipe->content_type = r.get_header_value("Content-Type");
    pipe->headers_ready = true;
    pipe->cv.notify_all();
    return !pipe->cancelled;
  };
  req.content_receiver = [pipe](const char* data, size_t n, uint64_t, uint64_t) {
    std::lock_guard lock(pipe->mu);
    if (pipe->cancelled) return false;
    pipe->chunks.emplace_back(data, n);
    pipe->cv.notify_all();
    return true;
  };
}

void ResponsePipe::finish(const httplib::Result& r) {
  std::lock_guard lock(mu);
  if (!r && !cancelled) error = httplib::to_string(r.error());
  done = true;
  cv.notify_all();
}

}  // namespace tandem::http
