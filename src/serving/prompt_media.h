// Media in a prompt: runs of embedding rows (an image's or audio clip's projected features)
// standing in the token list as negative placeholder ids. The ids are derived from the
// media's content, so the prefix caches, which compare ids, reuse a prefix holding the same
// image and never one holding another.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace tandem::serving {

struct PromptMedia {
  size_t begin = 0;  // index in the prompt of the first row
  int64_t n_rows = 0;
  int64_t n_embd = 0;
  std::shared_ptr<const std::vector<float>> rows;  // n_rows * n_embd floats
};

// The placeholder of row `row` of the media whose content hashes to `hash`: always < 0.
tokenizer::TokenId media_placeholder(uint64_t hash, int64_t row);

// Row i of the prompt when it is media (nullptr for a token).
const float* media_row(std::span<const PromptMedia> media, size_t i);

// Throws std::invalid_argument unless every negative id of `prompt` is covered by exactly one
// span, every span lies inside the prompt over negative ids, and rows have `n_embd` floats.
void check_prompt_media(std::span<const tokenizer::TokenId> prompt,
                        std::span<const PromptMedia> media, int64_t n_embd);

}  // namespace tandem::serving
