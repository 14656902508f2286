// What an encoded image gives the language model (mmproj/embedding.h), per projector:
//   mlp, gated  one chunk, no text
//   gemma3      "<start_of_image>" rows "<end_of_image>"
//   idefics3    per tile "<fake_token_around_image><row_R_col_C>" rows, "\n" after each
//               tile row but the last; then "\n\n<fake_token_around_image><global-img>"
//               overview rows "<fake_token_around_image>"
#pragma once

#include "mmproj/embedding.h"

namespace tandem::vision {

using EmbeddingChunk = mmproj::EmbeddingChunk;
using ImageEmbedding = mmproj::Embedding;

}  // namespace tandem::vision
