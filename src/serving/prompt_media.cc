#include "serving/prompt_media.h"

#include <stdexcept>
#include <string>

namespace tandem::serving {

tokenizer::TokenId media_placeholder(uint64_t hash, int64_t row) {
  // splitmix64 of (hash, row), folded to 30 bits: distinct rows of one image differ too.
  uint64_t z = hash + 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(row + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return -2 - static_cast<tokenizer::TokenId>(z & 0x3fffffffu);
}

const float* media_row(std::span<const PromptMedia> media, size_t i) {
  for (const PromptMedia& m : media)
    if (i >= m.begin && i < m.begin + static_cast<size_t>(m.n_rows))
      return m.rows->data() + (i - m.begin) * static_cast<size_t>(m.n_embd);
  return nullptr;
}

void check_prompt_media(std::span<const tokenizer::TokenId> prompt,
                        std::span<const PromptMedia> media, int64_t n_embd) {
  std::vector<uint8_t> covered(prompt.size(), 0);
  for (const PromptMedia& m : media) {
    if (!m.rows || m.n_rows <= 0 || m.n_embd != n_embd ||
        m.rows->size() != static_cast<size_t>(m.n_rows * m.n_embd))
      throw std::invalid_argument("media rows must be " + std::to_string(n_embd) +
                                  " floats wide (the model's embedding size), got " +
                                  std::to_string(m.n_embd));
    if (m.begin + static_cast<size_t>(m.n_rows) > prompt.size())
      throw std::invalid_argument("media rows run past the end of the prompt");
    for (size_t i = m.begin; i < m.begin + static_cast<size_t>(m.n_rows); ++i) {
      if (prompt[i] >= 0 || covered[i])
        throw std::invalid_argument("media rows overlap a token or other media at prompt index " +
                                    std::to_string(i));
      covered[i] = 1;
    }
  }
  for (size_t i = 0; i < prompt.size(); ++i)
    if (prompt[i] < 0 && !covered[i])
      throw std::invalid_argument("prompt index " + std::to_string(i) + " holds id " +
                                  std::to_string(prompt[i]) + ", which is no token and no media");
}

}  // namespace tandem::serving
