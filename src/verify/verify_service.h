// POST /v1/tandem/verify: the Commander checks an edge's drafted tokens against the target
// model in ONE batched forward per call, keeping each session's KV cache between calls.
//
// Threading: verification uses its own Transformer (sharing the read-only Model with the
// Scheduler's) and runs under one mutex, so calls are serialized and never touch the
// Scheduler's Transformer or cache. See docs/SPECULATIVE.md for the protocol.
#pragma once

#include <httplib.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "engine/model.h"
#include "engine/transformer.h"
#include "verify/verify_sessions.h"

namespace tandem::verify {

struct VerifyOptions {
  VerifySessionLimits sessions;
  int32_t max_ctx = 2048;  // positions per session
  int threads = 0;         // 0: all hardware threads
  model::GgmlType kv_type = model::GgmlType::F16;
};

class VerifyService {
 public:
  VerifyService(const engine::Model& model, VerifyOptions opts);

  // Parses and answers one request body; throws ApiError (404 code "session_not_found"
  // when the session is unknown and the request is not a reset).
  nlohmann::json verify(const nlohmann::json& body);
  void handle(const httplib::Request& req, httplib::Response& res);

  size_t n_sessions();
  int64_t evictions();
  // Drops every session (the memory guard's evictor); returns the bytes freed.
  size_t release_sessions();

 private:
  const engine::Model& model_;
  VerifyOptions opts_;
  std::mutex mu_;
  engine::Transformer tf_;
  VerifySessionStore store_;
};

}  // namespace tandem::verify
