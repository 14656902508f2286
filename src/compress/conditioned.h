// Iterative compression (LLMLingua's token-level iteration, in word units): the prompt is
// taken segment by segment, each word's surprisal measured given the text already KEPT before
// it (not the original text), so a word the compressed prompt still predicts is dropped.
#pragma once

#include <span>

#include "compress/compressor.h"
#include "engine/kv_cache.h"
#include "engine/transformer.h"

namespace tandem::compress {

// Segments of `segment_words` words; each keeps o.keep of its tokens (the last words and
// protected ones always). Sequence 0 of `cache` is used and cleared; the prompt must fit it.
Compression compress_conditioned(engine::Transformer& tf, engine::KvCache& cache,
                                 const tokenizer::Tokenizer& tok,
                                 std::span<const tokenizer::TokenId> tokens,
                                 const CompressOptions& o, int segment_words = 8);

}  // namespace tandem::compress
