// What an encoded image gives the language model: embedding rows interleaved with the
// literal marker text of the model family, in prompt order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tandem::vision {

// One run of embedding rows with the text that surrounds it. The text is literal prompt
// text holding the family's special tokens (e.g. "<start_of_image>"), to be tokenized
// with special tokens parsed; it may be empty.
struct EmbeddingChunk {
  std::string text_before;
  std::vector<float> rows;  // n_rows * n_embd floats, row-major
  int64_t n_rows = 0;
  int64_t n_embd = 0;  // the language model's embedding width
  std::string text_after;

  const float* row(int64_t i) const { return rows.data() + i * n_embd; }
};

// A whole image: text_before(0) rows(0) text_after(0) text_before(1) rows(1) ...
//   mlp       one chunk, no text
//   gemma3    "<start_of_image>" rows "<end_of_image>"
//   idefics3  per tile "<fake_token_around_image><row_R_col_C>" rows, "\n" after each tile
//             row but the last; then "\n\n<fake_token_around_image><global-img>" overview
//             rows "<fake_token_around_image>"
struct ImageEmbedding {
  std::vector<EmbeddingChunk> chunks;

  int64_t n_rows() const {
    int64_t n = 0;
    for (const auto& c : chunks) n += c.n_rows;
    return n;
  }
};

}  // namespace tandem::vision
