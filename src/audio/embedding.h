// What an encoded audio clip gives the language model: one run of embedding rows per 30 s
// chunk, with the family's marker text around the whole clip (mtmd's aud_beg / aud_end).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tandem::audio {

// One encoder pass (a 3000-frame log-mel chunk) projected to the language model's width.
// The text is literal prompt text holding the family's special tokens (to be tokenized
// with special tokens parsed); it may be empty.
struct AudioChunk {
  std::string text_before;
  std::vector<float> rows;  // n_rows * n_embd floats, row-major
  int64_t n_rows = 0;
  int64_t n_embd = 0;  // the language model's embedding width
  std::string text_after;
};

// A whole clip: text_before(0) rows(0) rows(1) ... rows(k) text_after(k), as mtmd lays it out:
//   ultravox  no text (the chat template's own text surrounds the rows)
//   qwen2a    "<|audio_bos|>" rows ... "<|audio_eos|>"
struct AudioEmbedding {
  std::vector<AudioChunk> chunks;

  int64_t n_rows() const {
    int64_t n = 0;
    for (const auto& c : chunks) n += c.n_rows;
    return n;
  }
};

}  // namespace tandem::audio
