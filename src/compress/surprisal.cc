#include "compress/surprisal.h"

#include <algorithm>
#include <stdexcept>

#include "engine/batch.h"
#include "engine/perplexity.h"

namespace tandem::compress {

std::vector<float> token_surprisal(engine::Transformer& tf, engine::KvCache& cache,
                                   std::span<const tokenizer::TokenId> tokens,
                                   tokenizer::TokenId bos, int32_t seq) {
  if (cache.n_ctx() < 2) throw std::invalid_argument("token_surprisal: context below 2");
  const auto window = static_cast<size_t>(cache.n_ctx() - 1);
  const auto n_vocab = static_cast<size_t>(tf.model().config().n_vocab);
  std::vector<float> out;
  out.reserve(tokens.size());
  std::vector<tokenizer::TokenId> ids;
  for (size_t start = 0; start < tokens.size(); start += window) {
    const size_t len = std::min(window, tokens.size() - start);
    ids.assign(1, bos);
    ids.insert(ids.end(), tokens.begin() + static_cast<std::ptrdiff_t>(start),
               tokens.begin() + static_cast<std::ptrdiff_t>(start + len));
    cache.clear(seq);
    const auto logits =
        tf.forward(engine::Batch::sequence(ids, 0, seq, /*all_logits=*/true), cache);
    for (size_t i = 1; i < ids.size(); ++i)
      out.push_back(static_cast<float>(
          engine::token_nll(logits.subspan((i - 1) * n_vocab, n_vocab), ids[i])));
  }
  cache.clear(seq);
  return out;
}

}  // namespace tandem::compress
