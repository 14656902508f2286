// Greedy speculative verification against a plain OpenAI-compatible upstream that has no
// verify endpoint (llama-server, vLLM, a Commander in upstream mode): each pass sends the
// whole context plus the draft to /v1/completions with echo + logprobs and reads the
// upstream's top-1 token at every drafted position. Stateless (the upstream's own prefix
// cache is what saves the re-evaluation), greedy only.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "spec/verifier.h"
#include "tokenizer/tokenizer.h"

namespace tandem::verify {

struct UpstreamVerifierOptions {
  std::string url;  // http://host:port (the /v1/completions base)
  std::string api_key;
  std::string model;  // sent as "model" when not empty
  int timeout_s = 120;
};

class UpstreamVerifier : public spec::Verifier {
 public:
  // tokenizer: the draft's (= the upstream model's) vocabulary, to map the upstream's token
  // texts back to ids.
  UpstreamVerifier(UpstreamVerifierOptions opts, const tokenizer::Tokenizer& tokenizer);
  // draft_dists are ignored: the check is greedy (top-1).
  spec::VerifyOutcome verify(std::span<const spec::TokenId> append,
                             std::span<const spec::TokenId> draft,
                             std::span<const spec::Dist> draft_dists) override;

 private:
  spec::TokenId id_of(const std::string& piece) const;

  UpstreamVerifierOptions opts_;
  const tokenizer::Tokenizer& tok_;
  std::unordered_map<std::string, spec::TokenId> ids_;  // piece -> lowest id with that text
  std::unique_ptr<httplib::Client> http_;
  std::vector<spec::TokenId> context_;
};

}  // namespace tandem::verify
