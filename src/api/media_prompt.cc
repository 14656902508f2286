#include "api/media_prompt.h"

#include <stdexcept>
#include <string>

#include "http/api_error.h"

namespace tandem::api {
namespace {

// Identifies the media's content (and which of its chunks): FNV-1a, enough to tell images
// apart for prefix reuse.
uint64_t content_hash(const media::MediaInput& in, size_t chunk) {
  uint64_t h = 0xcbf29ce484222325ull ^ static_cast<uint64_t>(in.kind);
  for (uint8_t b : in.bytes) h = (h ^ b) * 0x100000001b3ull;
  return (h ^ chunk) * 0x100000001b3ull;
}

void append(std::vector<tokenizer::TokenId>& out, const std::vector<tokenizer::TokenId>& more) {
  out.insert(out.end(), more.begin(), more.end());
}

}  // namespace

void refuse_media(const MediaPart& part) {
  throw http::ApiError(400,
                       std::string("this model takes no ") + media::modality_name(part.input.kind) +
                           " input: the server was started without a multimodal projector for "
                           "it (--mmproj FILE)",
                       "invalid_request_error", part.param, "media_unsupported");
}

EncodedMedia encode_media(std::span<const MediaPart> parts, const media::MediaEncoder& enc) {
  EncodedMedia out;
  out.reserve(parts.size());
  for (const MediaPart& part : parts) {
    if (!enc.supports(part.input.kind)) refuse_media(part);
    try {
      out.push_back(enc.encode(part.input));
    } catch (const media::MediaInputError& e) {
      throw http::ApiError(400, e.what(), "invalid_request_error", part.param, "invalid_media");
    }
  }
  return out;
}

MediaPrompt assemble_media_prompt(const tokenizer::Tokenizer& tok, std::string_view text,
                                  std::span<const MediaPart> parts, const EncodedMedia& encoded) {
  if (encoded.size() != parts.size())
    throw std::logic_error("assemble_media_prompt: one encoding per media part");
  MediaPrompt out;
  size_t from = 0;
  for (size_t k = 0; k <= parts.size(); ++k) {
    const size_t at = k < parts.size() ? text.find(kMediaMarker, from) : std::string_view::npos;
    if (k < parts.size() && at == std::string_view::npos)
      throw http::bad_field("messages", "the chat template dropped " +
                                            std::to_string(parts.size() - k) +
                                            " of the request's media parts");
    const std::string_view piece =
        text.substr(from, at == std::string_view::npos ? text.npos : at - from);
    append(out.tokens, tok.encode(std::string(piece), /*add_special=*/k == 0,
                                  /*parse_special=*/true));
    if (k == parts.size()) break;
    from = at + kMediaMarker.size();

    const auto& chunks = encoded[k];
    for (size_t c = 0; c < chunks.size(); ++c) {
      const media::EmbeddedChunk& ch = chunks[c];
      append(out.tokens, tok.encode(ch.text_before, false, true));
      const uint64_t h = content_hash(parts[k].input, c);
      out.media.push_back({out.tokens.size(), ch.n_rows, ch.n_embd, ch.rows});
      for (int64_t r = 0; r < ch.n_rows; ++r)
        out.tokens.push_back(serving::media_placeholder(h, r));
      out.media_rows += ch.n_rows;
      append(out.tokens, tok.encode(ch.text_after, false, true));
    }
  }
  if (text.find(kMediaMarker, from) != std::string_view::npos)
    throw http::bad_field("messages", "the prompt holds more media markers than media parts");
  return out;
}

MediaPrompt tokenize_with_media(const tokenizer::Tokenizer& tok, std::string_view text,
                                std::span<const MediaPart> parts, const media::MediaEncoder& enc) {
  return assemble_media_prompt(tok, text, parts, encode_media(parts, enc));
}

}  // namespace tandem::api
