// Range checks for the GGUF metadata values the engine trusts (it divides by them, sizes
// buffers and loops with them, indexes the vocabulary with them). Each refusal is a
// ModelFileError naming the file, the key and the bad value on one line.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace tandem::model {

class GgufFile;

namespace limits {

// Below 16 positions a context cannot hold a chat template's framing plus a word of reply,
// so such a value is a corrupt field, not a tiny model (stories260K trains with 512,
// llama.cpp's llama2.c converter writes 128).
inline constexpr int64_t kMinContext = 16;
// Rope angles are computed from float positions, which are exact only up to 2^24; the
// longest published context (10M positions) fits below it.
inline constexpr int64_t kMaxContext = int64_t{1} << 24;
// Widths (embedding, feed-forward, head size, heads × head size) up to 2^20: 16× the widest
// published model (Llama 3.1 405B: 16384 / 53248), and small enough that products of two
// widths and a layer count (n_params, KV strides) stay far inside int64.
inline constexpr int64_t kMaxWidth = int64_t{1} << 20;
// 32× the deepest published model (126 layers); per-layer tables are sized from it before
// any tensor is bound.
inline constexpr int64_t kMaxLayers = 4096;
// Token ids are int32 and every id indexes the embedding; the largest published vocabularies
// have 2^18 entries.
inline constexpr int64_t kMaxVocab = int64_t{1} << 24;
// Mixture-of-experts counts (Qwen3-30B-A3B: 128, DeepSeek-V3: 256, Kimi K2: 384).
inline constexpr int64_t kMaxExperts = 4096;

}  // namespace limits

// `key` as an integer in [lo, hi]; `fallback` (unchecked) when the key is absent, and a
// "missing KEY" error when there is no fallback.
int64_t int_in_range(const GgufFile& f, std::string_view key, int64_t lo, int64_t hi,
                     std::optional<int64_t> fallback = std::nullopt);

// `key` as a finite number above 0 and below `below` (no upper bound when infinite);
// `fallback` when absent.
double finite_positive(const GgufFile& f, std::string_view key, double fallback,
                       double below = std::numeric_limits<double>::infinity());

// Every tokenizer.ggml.*_token_id must be -1 / 0xFFFFFFFF ("none") or inside [0, n_vocab):
// BOS and EOS drive encoding and stopping, and an EOT / SEP / FIM id outside the vocabulary
// marks a corrupt file that whatever reads it later would index with. UNK and padding ids
// are exempt: llama.cpp ignores a bad one with a warning and so does the tokenizer (the
// engine never emits them), and published files carry such padding ids.
void check_special_token_ids(const GgufFile& f, int64_t n_vocab);

}  // namespace tandem::model
