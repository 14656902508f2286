#include "verify/verify_client.h"

#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

#include "http/json_util.h"

namespace tandem::verify {
namespace {

using nlohmann::json;

std::string random_session_id() {
  std::random_device rd;
  std::mt19937_64 g((uint64_t{rd()} << 32) ^ rd());
  static const char* hex = "0123456789abcdef";
  std::string s = "spec-";
  for (int i = 0; i < 24; ++i) s += hex[g() % 16];
  return s;
}

json sparse(const spec::Dist& d, spec::TokenId chosen, size_t max_entries) {
  json a = json::array();
  bool has_chosen = false;
  for (size_t i = 0; i < d.size() && i < max_entries; ++i) {  // d is sorted by descending p
    a.push_back({d[i].id, d[i].p});
    has_chosen |= d[i].id == chosen;
  }
  if (!has_chosen) a.push_back({chosen, spec::prob_of(d, chosen)});
  return a;
}

}  // namespace

RemoteVerifier::RemoteVerifier(RemoteVerifierOptions opts) : opts_(std::move(opts)) {
  if (opts_.session_id.empty()) opts_.session_id = random_session_id();
  http_ = std::make_unique<httplib::Client>(opts_.url);
  if (!http_->is_valid())
    throw std::invalid_argument("--remote-target: bad URL '" + opts_.url + "'");
  http_->set_keep_alive(true);
  // One small request per pass: without this, Nagle + the peer's delayed ACK stall each
  // call by up to 40 ms, more than the verification itself.
  http_->set_tcp_nodelay(true);
  http_->set_read_timeout(opts_.timeout_s, 0);
  http_->set_write_timeout(opts_.timeout_s, 0);
  if (opts_.connect_timeout_ms > 0)
    http_->set_connection_timeout(opts_.connect_timeout_ms / 1000,
                                  (opts_.connect_timeout_ms % 1000) * 1000);
  if (!opts_.api_key.empty()) http_->set_bearer_token_auth(opts_.api_key);
}

spec::VerifyOutcome RemoteVerifier::verify(std::span<const spec::TokenId> append,
                                           std::span<const spec::TokenId> draft,
                                           std::span<const spec::Dist> draft_dists) {
  context_.insert(context_.end(), append.begin(), append.end());
  const auto& s = opts_.sampling;
  json body = {{"session_id", opts_.session_id},
               {"draft", std::vector<spec::TokenId>(draft.begin(), draft.end())},
               {"temperature", s.temperature},
               {"top_k", s.top_k},
               {"top_p", s.top_p},
               {"min_p", s.min_p},
               {"repeat_penalty", s.repeat_penalty},
               {"repeat_last_n", s.repeat_last_n},
               {"presence_penalty", s.presence_penalty},
               {"frequency_penalty", s.frequency_penalty},
               {"seed", s.seed}};
  if (s.temperature > 0 && !draft_dists.empty()) {
    json probs = json::array();
    for (size_t i = 0; i < draft.size(); ++i)
      probs.push_back(sparse(draft_dists[i], draft[i], opts_.max_dist_entries));
    body["draft_probs"] = std::move(probs);
  }
  for (int attempt = 0;; ++attempt) {
    body["reset"] = !established_;
    body["append"] =
        established_ ? std::vector<spec::TokenId>(append.begin(), append.end()) : context_;
    auto res =
        http_->Post(opts_.path_prefix + "/v1/tandem/verify", http::dump(body), "application/json");
    if (!res) {
      // A broken keep-alive connection (Commander restarted): reconnect once and re-send the
      // whole context, which is idempotent whether or not the lost request was applied.
      if (attempt == 0) {
        established_ = false;
        ++resets_;
        continue;
      }
      throw VerifyError(
          0, "verify request to " + opts_.url + " failed: " + httplib::to_string(res.error()));
    }
    json reply = json::parse(res->body, nullptr, false);
    if (res->status == 404 && attempt == 0 && established_ && reply.is_object() &&
        reply.value(json::json_pointer("/error/code"), std::string()) == "session_not_found") {
      established_ = false;  // the Commander lost it: re-send the whole context
      ++resets_;
      continue;
    }
    if (res->status != 200 || !reply.is_object())
      throw VerifyError(res->status, "verify request to " + opts_.url + " failed with HTTP " +
                                         std::to_string(res->status) + ": " + res->body);
    if (opts_.n_vocab > 0 && reply.value("n_vocab", 0) != opts_.n_vocab)
      throw std::runtime_error("the Commander's model has " +
                               std::to_string(reply.value("n_vocab", 0)) +
                               " vocabulary entries, the draft " + std::to_string(opts_.n_vocab) +
                               ": speculative decoding needs the same tokenizer");
    established_ = true;
    n_ctx_ = reply.value("n_ctx", int32_t{0});
    spec::VerifyOutcome out;
    out.n_accepted = reply.at("accepted").get<int32_t>();
    out.token = reply.at("token").get<spec::TokenId>();
    out.n_uniform = reply.value("n_uniform", uint64_t{0});
    if (out.n_accepted < 0 || static_cast<size_t>(out.n_accepted) > draft.size())
      throw std::runtime_error("the Commander accepted " + std::to_string(out.n_accepted) + " of " +
                               std::to_string(draft.size()) + " drafted tokens");
    context_.insert(context_.end(), draft.begin(), draft.begin() + out.n_accepted);
    return out;
  }
}

}  // namespace tandem::verify
