// An outgoing HTTP request's answer, handed from the thread sending it to the one reading it:
// status and content type, body chunks as they arrive, the end, and a transport error.
// Used by the Commander client (Dispatcher → Commander) and the upstream proxy.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

namespace tandem::http {

struct ResponsePipe {
  std::mutex mu;
  std::condition_variable cv;
  bool headers_ready = false;
  int status = 0;
  std::string content_type;
  std::deque<std::string> chunks;
  bool done = false;
  std::string error;       // transport failure
  bool cancelled = false;  // the reader is gone: the sender stops at the next chunk

  // Points req's response handler and content receiver at pipe.
  static void attach(const std::shared_ptr<ResponsePipe>& pipe, httplib::Request& req);
  // Records the end of the request: r's error unless it was cancelled.
  void finish(const httplib::Result& r);
};

}  // namespace tandem::http
