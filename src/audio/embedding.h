// What an encoded audio clip gives the language model (mmproj/embedding.h): one run of rows
// per 30 s chunk, with the family's marker text around the whole clip (mtmd's aud_beg /
// aud_end):
//   ultravox  no text (the chat template's own text surrounds the rows)
//   qwen2a    "<|audio_bos|>" rows ... "<|audio_eos|>"
#pragma once

#include "mmproj/embedding.h"

namespace tandem::audio {

using AudioChunk = mmproj::EmbeddingChunk;
using AudioEmbedding = mmproj::Embedding;

}  // namespace tandem::audio
