#include "api/embeddings.h"

#include <bit>
#include <cstring>

#include "http/api_error.h"
#include "media/base64.h"

namespace tandem::api {
namespace {

using nlohmann::json;
using tokenizer::TokenId;

bool is_token_list(const json& v) {
  if (!v.is_array() || v.empty()) return false;
  for (const auto& x : v)
    if (!x.is_number_integer()) return false;
  return true;
}

std::vector<TokenId> token_list(const json& v, int32_t n_vocab, const std::string& where) {
  std::vector<TokenId> ids;
  ids.reserve(v.size());
  for (const auto& x : v) {
    const bool neg = x.is_number_integer() && !x.is_number_unsigned() && x.get<int64_t>() < 0;
    if (neg || x.get<uint64_t>() >= static_cast<uint64_t>(n_vocab))
      throw http::bad_field("input", where + ": token id " + x.dump() +
                                         " is outside the vocabulary of " +
                                         std::to_string(n_vocab));
    ids.push_back(static_cast<TokenId>(x.get<int64_t>()));
  }
  return ids;
}

// The inputs as token ids: a string, strings, one token list, or token lists.
std::vector<std::vector<TokenId>> tokenize_input(const json& in, const tokenizer::Tokenizer& tok,
                                                 const EmbeddingEngine& e) {
  auto text = [&](const json& s, const std::string& where) {
    const auto& str = s.get_ref<const std::string&>();
    if (str.empty()) throw http::bad_field("input", where + " is an empty string");
    // A text too long for the context is refused unread: tokenizing a 4 MB input costs
    // seconds and far more memory than its bytes.
    if (e.guard && !e.guard->could_fit(str.size(), e.n_ctx))
      throw http::ApiError(400,
                           where + " is " + std::to_string(str.size()) +
                               " bytes, more than this model's context of " +
                               std::to_string(e.n_ctx) + " tokens can hold",
                           "invalid_request_error", "input", "context_length_exceeded");
    return tok.encode(str, /*add_special=*/true, /*parse_special=*/false);
  };
  const std::string shape =
      "'input' must be a non-empty string, an array of strings, an array of token ids, or an "
      "array of arrays of token ids";
  std::vector<std::vector<TokenId>> out;
  if (in.is_string()) {
    out.push_back(text(in, "'input'"));
  } else if (is_token_list(in)) {
    out.push_back(token_list(in, tok.n_vocab(), "'input'"));
  } else if (in.is_array() && !in.empty()) {
    if (in.size() > kMaxEmbeddingInputs)
      throw http::bad_field("input", "'input' has " + std::to_string(in.size()) +
                                         " entries; at most " +
                                         std::to_string(kMaxEmbeddingInputs) + " are allowed");
    const bool strings = in[0].is_string();
    for (size_t i = 0; i < in.size(); ++i) {
      const std::string where = "'input[" + std::to_string(i) + "]'";
      if (strings && in[i].is_string())
        out.push_back(text(in[i], where));
      else if (!strings && is_token_list(in[i]))
        out.push_back(token_list(in[i], tok.n_vocab(), where));
      else
        throw http::bad_field("input", shape + " (" + where + " is not)");
    }
  } else {
    throw http::bad_field("input", shape);
  }
  return out;
}

}  // namespace

EmbeddingRequest parse_embedding_request(const json& body, const EmbeddingEngine& e) {
  EmbeddingRequest r;
  if (auto m = body.find("model"); m != body.end() && !m->is_null()) {
    if (!m->is_string()) throw http::bad_field("model", "'model' must be a string");
    r.model = m->get<std::string>();
  }
  if (!r.model.empty() && r.model != e.model_alias)
    throw http::ApiError(
        404,
        "the model '" + r.model + "' does not exist; this server serves '" + e.model_alias + "'",
        "invalid_request_error", "model", "model_not_found");
  if (auto f = body.find("encoding_format"); f != body.end() && !f->is_null()) {
    if (!f->is_string() || (*f != "float" && *f != "base64"))
      throw http::bad_field("encoding_format", "'encoding_format' must be \"float\" or \"base64\"");
    r.base64 = *f == "base64";
  }
  const int64_t n_embd = e.tf.model().config().n_embd;
  if (auto d = body.find("dimensions"); d != body.end() && !d->is_null()) {
    if (!d->is_number_integer())
      throw http::bad_field("dimensions", "'dimensions' must be an integer");
    if (d->get<int64_t>() != n_embd)
      throw http::bad_field("dimensions", "this model's embeddings have " + std::to_string(n_embd) +
                                              " dimensions and cannot be shortened: "
                                              "'dimensions' must be " +
                                              std::to_string(n_embd) + " or left out");
  }
  // "user" is accepted and ignored, as the rest of the API does.
  auto in = body.find("input");
  if (in == body.end() || in->is_null()) throw http::bad_field("input", "'input' is required");
  r.inputs = tokenize_input(*in, e.tf.model().tokenizer(), e);
  for (size_t i = 0; i < r.inputs.size(); ++i)
    if (r.inputs[i].size() > static_cast<size_t>(e.n_ctx))
      throw http::ApiError(
          400,
          "input " + std::to_string(i) + " has " + std::to_string(r.inputs[i].size()) +
              " tokens; this model's context is " + std::to_string(e.n_ctx) + " tokens",
          "invalid_request_error", "input", "context_length_exceeded");
  const auto p = e.opts.pooling;
  if (p != engine::Pooling::kMean && p != engine::Pooling::kCls && p != engine::Pooling::kLast)
    throw http::ApiError(400,
                         std::string("the model's pooling type '") + engine::pooling_name(p) +
                             "' gives no single vector per input; start the server with "
                             "--pooling mean|cls|last",
                         "invalid_request_error", "", "pooling_unsupported");
  return r;
}

std::string base64_floats(std::span<const float> v) {
  std::vector<uint8_t> bytes(v.size() * 4);
  for (size_t i = 0; i < v.size(); ++i) {
    const uint32_t u = std::bit_cast<uint32_t>(v[i]);
    for (int b = 0; b < 4; ++b) bytes[i * 4 + b] = static_cast<uint8_t>(u >> (8 * b));
  }
  return media::base64_encode(bytes);
}

json answer_embeddings(const json& body, const EmbeddingEngine& e) {
  const auto r = parse_embedding_request(body, e);
  const auto vectors = engine::embed(e.tf, r.inputs, e.opts, e.run);
  int64_t n_tokens = 0;
  for (const auto& in : r.inputs) n_tokens += static_cast<int64_t>(in.size());
  json data = json::array();
  for (size_t i = 0; i < vectors.size(); ++i) {
    json item = {{"object", "embedding"}, {"index", i}};
    if (r.base64)
      item["embedding"] = base64_floats(vectors[i]);
    else
      item["embedding"] = vectors[i];
    data.push_back(std::move(item));
  }
  return {{"object", "list"},
          {"data", std::move(data)},
          {"model", e.model_alias},
          {"usage", {{"prompt_tokens", n_tokens}, {"total_tokens", n_tokens}}}};
}

}  // namespace tandem::api
