// A chat prompt holding media: the rendered text is cut at each media marker, the pieces
// tokenized, and each media part's encoded rows put in its place (with the family's marker
// text around them) as placeholder ids backed by PromptMedia rows.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "api/media_parts.h"
#include "media/media_encoder.h"
#include "serving/prompt_media.h"
#include "tokenizer/tokenizer.h"

namespace tandem::api {

struct MediaPrompt {
  std::vector<tokenizer::TokenId> tokens;  // media rows as placeholder ids
  std::vector<serving::PromptMedia> media;
  int64_t media_rows = 0;
};

// `text` holds exactly parts.size() markers (else ApiError 400: the chat template dropped
// some). Bad media are ApiError 400s naming the part; a modality the encoder lacks is a 400
// with code "media_unsupported".
MediaPrompt tokenize_with_media(const tokenizer::Tokenizer& tok, std::string_view text,
                                std::span<const MediaPart> parts, const media::MediaEncoder& enc);

// The two halves of tokenize_with_media, for a caller that assembles the same media into
// several prompts (the Dispatcher's failover continues after the answer so far): each part's
// encoder output (rows shared, not copied), and the prompt from it.
using EncodedMedia = std::vector<std::vector<media::EmbeddedChunk>>;
EncodedMedia encode_media(std::span<const MediaPart> parts, const media::MediaEncoder& enc);
MediaPrompt assemble_media_prompt(const tokenizer::Tokenizer& tok, std::string_view text,
                                  std::span<const MediaPart> parts, const EncodedMedia& encoded);

// The 400 for media sent to a model without an encoder for them (no --mmproj).
[[noreturn]] void refuse_media(const MediaPart& part);

}  // namespace tandem::api
