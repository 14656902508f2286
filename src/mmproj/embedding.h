// What an encoder gives the language model: runs of embedding rows, each with the literal
// marker text of the model family around it, in prompt order. Images (vision/) and audio
// clips (audio/) both come out in this shape; media/ hands it to the prompt builder.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tandem::mmproj {

// One run of embedding rows with the text that surrounds it. The text is literal prompt
// text holding the family's special tokens (e.g. "<start_of_image>", "<|audio_bos|>"), to be
// tokenized with special tokens parsed; it may be empty.
struct EmbeddingChunk {
  std::string text_before;
  std::vector<float> rows;  // n_rows * n_embd floats, row-major
  int64_t n_rows = 0;
  int64_t n_embd = 0;  // the language model's embedding width
  std::string text_after;

  const float* row(int64_t i) const { return rows.data() + i * n_embd; }
};

// A whole image or clip: text_before(0) rows(0) text_after(0) text_before(1) rows(1) ...
struct Embedding {
  std::vector<EmbeddingChunk> chunks;

  int64_t n_rows() const {
    int64_t n = 0;
    for (const auto& c : chunks) n += c.n_rows;
    return n;
  }
};

}  // namespace tandem::mmproj
