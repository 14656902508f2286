#include "dispatcher/cloud/prompt_compression.h"

#include "http/api_error.h"

namespace tandem::dispatcher {

using ojson = nlohmann::ordered_json;

namespace {

const ojson* compress_field(const ojson& body) {
  if (auto it = body.find("compress"); it != body.end()) return &*it;
  if (auto eb = body.find("extra_body"); eb != body.end() && eb->is_object())
    if (auto it = eb->find("compress"); it != eb->end()) return &*it;
  return nullptr;
}

}  // namespace

CompressRequest parse_compress_field(const ojson& body) {
  CompressRequest r;
  const ojson* f = compress_field(body);
  if (!f || f->is_null()) return r;
  if (f->is_boolean()) {
    r.mode = f->get<bool>() ? CompressRequest::Mode::kOn : CompressRequest::Mode::kOff;
    return r;
  }
  if (!f->is_object())
    throw http::bad_field("compress",
                          "'compress' must be true, false or an object such as {\"keep\": 0.5}");
  for (const auto& [k, v] : f->items())
    if (k != "keep" && k != "code")
      throw http::bad_field("compress." + k, "unknown field (compress takes keep and code)");
  r.mode = CompressRequest::Mode::kOn;
  if (auto k = f->find("keep"); k != f->end()) {
    if (!k->is_number() || !(k->get<double>() > 0.0 && k->get<double>() <= 1.0))
      throw http::bad_field("compress.keep",
                            "'compress.keep' must be a number in (0, 1]: the share of the "
                            "prompt's tokens to keep");
    r.keep = k->get<double>();
  }
  if (auto c = f->find("code"); c != f->end()) {
    if (!c->is_boolean())
      throw http::bad_field("compress.code", "'compress.code' must be true or false");
    r.code = c->get<bool>();
  }
  return r;
}

std::optional<compress::CompressOptions> compression_for(const CompressRequest& r,
                                                         const CompressionPolicy& p,
                                                         int64_t prompt_tokens) {
  if (r.mode == CompressRequest::Mode::kOff) return std::nullopt;
  if (r.mode == CompressRequest::Mode::kPolicy &&
      (p.over_tokens <= 0 || prompt_tokens <= p.over_tokens))
    return std::nullopt;
  compress::CompressOptions o;
  o.keep = r.keep.value_or(p.keep);
  o.compress_code = r.code.value_or(p.compress_code);
  if (o.keep >= 1.0) return std::nullopt;
  return o;
}

std::string CompressedTotals::header() const {
  return std::to_string(tokens_after) + "/" + std::to_string(tokens_before);
}

CompressedTotals compress_user_messages(ojson& body, const tokenizer::Tokenizer& tok,
                                        const SurprisalFn& surprisal,
                                        const compress::CompressOptions& o) {
  CompressedTotals t;
  auto messages = body.find("messages");
  if (messages == body.end() || !messages->is_array()) return t;
  auto one = [&](ojson& text) {
    const std::string s = text.get<std::string>();
    const auto ids = tok.encode(s, /*add_special=*/false, /*parse_special=*/false);
    const auto n = static_cast<int64_t>(ids.size());
    t.tokens_before += n;
    if (n < kMinCompressTokens) {
      t.tokens_after += n;
      return;
    }
    const auto c = compress::compress(tok, ids, surprisal(ids), o);
    t.tokens_after += c.tokens_after;
    text = c.text;
  };
  for (auto& m : *messages) {
    if (!m.is_object()) continue;
    auto role = m.find("role");
    if (role == m.end() || !role->is_string() || role->get<std::string>() != "user") continue;
    auto c = m.find("content");
    if (c == m.end()) continue;
    if (c->is_string()) {
      one(*c);
    } else if (c->is_array()) {
      for (auto& part : *c)
        if (part.is_object())
          if (auto tx = part.find("text"); tx != part.end() && tx->is_string()) one(*tx);
    }
  }
  return t;
}

void strip_compress_field(ojson& body) {
  body.erase("compress");
  if (auto eb = body.find("extra_body"); eb != body.end() && eb->is_object()) eb->erase("compress");
}

}  // namespace tandem::dispatcher
