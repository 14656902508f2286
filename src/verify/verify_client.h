// The edge side of distributed speculative decoding: a spec::Verifier that sends drafts to a
// Commander's POST /v1/tandem/verify over one keep-alive connection. It remembers the
// committed context, so when the Commander has lost the session (evicted, restarted) it
// re-sends the whole context transparently.
#pragma once

#include <httplib.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/sampler.h"
#include "spec/verifier.h"

namespace tandem::verify {

// A verify call that failed: status 0 = no HTTP answer (unreachable, connection broken),
// else the HTTP status the Commander answered with (404: no verify endpoint there).
struct VerifyError : std::runtime_error {
  VerifyError(int status, const std::string& what) : std::runtime_error(what), status(status) {}
  int status;
};

struct RemoteVerifierOptions {
  std::string url;          // http://host:port
  std::string path_prefix;  // before /v1/tandem/verify (a Commander behind a path)
  std::string api_key;
  std::string session_id;  // empty: a random one
  engine::SamplerParams sampling;
  int32_t n_vocab = 0;           // > 0: checked against the Commander's model
  size_t max_dist_entries = 64;  // draft_probs entries per position (+ the chosen token)
  int timeout_s = 120;
  int connect_timeout_ms = 0;  // 0: httplib's default
};

class RemoteVerifier : public spec::Verifier {
 public:
  explicit RemoteVerifier(RemoteVerifierOptions opts);
  // Throws VerifyError when the Commander cannot be reached or answers with an error.
  spec::VerifyOutcome verify(std::span<const spec::TokenId> append,
                             std::span<const spec::TokenId> draft,
                             std::span<const spec::Dist> draft_dists) override;

  int32_t n_ctx() const override { return n_ctx_; }
  int64_t resets() const { return resets_; }  // full-context re-sends after a lost session
  const std::string& session_id() const { return opts_.session_id; }

 private:
  RemoteVerifierOptions opts_;
  std::unique_ptr<httplib::Client> http_;
  std::vector<spec::TokenId> context_;  // committed tokens the Commander has accepted
  bool established_ = false;
  int32_t n_ctx_ = 0;  // the Commander's session context, from its answers
  int64_t resets_ = 0;
};

}  // namespace tandem::verify
