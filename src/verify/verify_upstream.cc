#include "verify/verify_upstream.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "http/json_util.h"

namespace tandem::verify {
namespace {

using nlohmann::json;

// The most likely entry of one {"token text": logprob} object.
std::string top1(const json& alternatives) {
  if (!alternatives.is_object() || alternatives.empty())
    throw std::runtime_error("the upstream returned no top_logprobs for a drafted position");
  std::string best;
  double best_lp = -1e300;
  for (const auto& [text, lp] : alternatives.items())
    if (lp.is_number() && lp.get<double>() > best_lp) {
      best_lp = lp.get<double>();
      best = text;
    }
  return best;
}

}  // namespace

UpstreamVerifier::UpstreamVerifier(UpstreamVerifierOptions opts,
                                   const tokenizer::Tokenizer& tokenizer)
    : opts_(std::move(opts)), tok_(tokenizer) {
  // Several ids can render the same text (SentencePiece byte tokens like <0x2E> and "."):
  // prefer normal tokens, then the lowest id, as the upstream's top-1 text is almost always
  // the normal token.
  const auto& types = tok_.vocab().types;
  auto rank = [&](spec::TokenId id) {
    const auto t = types.empty() ? tokenizer::TokenType::NORMAL : types[static_cast<size_t>(id)];
    return t == tokenizer::TokenType::NORMAL || t == tokenizer::TokenType::USER_DEFINED ? 0 : 1;
  };
  for (spec::TokenId id = 0; id < tok_.n_vocab(); ++id) {
    auto [it, fresh] = ids_.try_emplace(tok_.token_to_piece(id), id);
    if (!fresh && rank(id) < rank(it->second)) it->second = id;
  }
  http_ = std::make_unique<httplib::Client>(opts_.url);
  if (!http_->is_valid()) throw std::invalid_argument("bad upstream URL '" + opts_.url + "'");
  http_->set_keep_alive(true);
  http_->set_read_timeout(opts_.timeout_s, 0);
  if (!opts_.api_key.empty()) http_->set_bearer_token_auth(opts_.api_key);
}

spec::TokenId UpstreamVerifier::id_of(const std::string& piece) const {
  auto it = ids_.find(piece);
  if (it == ids_.end())
    throw std::runtime_error("the upstream's token '" + piece +
                             "' is not in the draft's vocabulary");
  return it->second;
}

spec::VerifyOutcome UpstreamVerifier::verify(std::span<const spec::TokenId> append,
                                             std::span<const spec::TokenId> draft,
                                             std::span<const spec::Dist>) {
  context_.insert(context_.end(), append.begin(), append.end());
  std::vector<spec::TokenId> prompt = context_;
  prompt.insert(prompt.end(), draft.begin(), draft.end());
  json body = {
      {"prompt", prompt}, {"max_tokens", 1}, {"echo", true}, {"logprobs", 1}, {"temperature", 0}};
  if (!opts_.model.empty()) body["model"] = opts_.model;
  auto res = http_->Post("/v1/completions", http::dump(body), "application/json");
  if (!res)
    throw std::runtime_error("upstream " + opts_.url + ": " + httplib::to_string(res.error()));
  if (res->status != 200)
    throw std::runtime_error("upstream " + opts_.url + " answered HTTP " +
                             std::to_string(res->status) + ": " + res->body);
  const json reply = json::parse(res->body);
  const json& lp = reply.at("choices").at(0).at("logprobs");
  const json& tops = lp.at("top_logprobs");
  const json& tokens = lp.at("tokens");
  const size_t n = context_.size();
  if (tops.size() < prompt.size())
    throw std::runtime_error("the upstream echoed " + std::to_string(tops.size()) +
                             " logprobs for a prompt of " + std::to_string(prompt.size()) +
                             " tokens (does it support echo + logprobs?)");
  spec::VerifyOutcome out;
  for (size_t j = 0; j < draft.size(); ++j) {
    const spec::TokenId best = id_of(top1(tops[n + j]));
    if (best != draft[j]) {  // by id: a byte token is not its normal twin
      out.token = best;
      context_.insert(context_.end(), draft.begin(), draft.begin() + out.n_accepted);
      return out;
    }
    ++out.n_accepted;
  }
  // Every drafted token agreed: the generated token is the bonus (none: it stopped at EOS).
  out.token =
      tokens.size() > prompt.size() ? id_of(tokens[prompt.size()].get<std::string>()) : tok_.eos();
  context_.insert(context_.end(), draft.begin(), draft.end());
  return out;
}

}  // namespace tandem::verify
