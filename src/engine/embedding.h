// Embeddings from the engine: each input's final hidden states (after the output norm,
// before the output projection) pooled into one L2-normalized vector, as llama.cpp's
// embeddings are.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "engine/model.h"
#include "engine/transformer.h"

namespace tandem::engine {

// llama.cpp's enum llama_pooling_type, whose values GGUF's `<arch>.pooling_type` stores.
enum class Pooling : int32_t { kNone = 0, kMean = 1, kCls = 2, kLast = 3, kRank = 4 };

const char* pooling_name(Pooling p);  // "none", "mean", "cls", "last", "rank"
// "mean", "cls" or "last" (the --pooling flag); throws std::invalid_argument otherwise.
Pooling parse_pooling(const std::string& name);
// The file's `<arch>.pooling_type`; mean when it has none (generative models, which
// llama.cpp would leave at "none", one vector per token).
Pooling model_pooling(const Model& m);

struct EmbedOptions {
  Pooling pooling = Pooling::kMean;
  size_t max_batch = 512;  // tokens per forward; longer inputs span several forwards
};

// Where one forward runs: it is called once per forward with the work to do (forward + read
// the hidden states) and must return after running it. The Commander runs it on its scheduler
// thread; empty: run here.
using ForwardRunner = std::function<void(const std::function<void()>& work)>;

// One vector of n_embd floats per input, L2-normalized. Short inputs share a forward (one
// sequence each of a private KvCache sized to the inputs); none is mixed with another's
// attention. Throws std::invalid_argument for an empty input or pooling none/rank.
std::vector<std::vector<float>> embed(Transformer& tf, std::span<const std::vector<TokenId>> inputs,
                                      const EmbedOptions& opts, const ForwardRunner& run = {});

}  // namespace tandem::engine
