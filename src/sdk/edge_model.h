// The SDK's edge model: a loaded model served by the Dispatcher's EdgeEngine (the same
// scheduler as the servers), and the loop that drains one edge generation into pieces for a
// token callback.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dispatcher/edge/edge_engine.h"
#include "tandem.h"

namespace tandem::sdk {

// The edge engine for the file at `path` (SdkError: TANDEM_ERR_IO for a missing or
// unreadable file, TANDEM_ERR_MODEL for one that does not load).
std::unique_ptr<dispatcher::EdgeEngine> load_edge(const char* path, const tandem_model_params& p);

// Receives each piece of generated text; returns false to stop.
using PieceFn = std::function<bool(const std::string&)>;
// A PieceFn calling a C token callback (none: every piece accepted).
PieceFn c_callback(tandem_token_fn fn, void* user);

struct EdgeReply {
  std::string text;
  bool stopped = false;  // the callback asked to stop
};

// Runs a started session to its end, one callback per token's text where the step's text is
// its tokens' (the scheduler may be several tokens ahead of the app: each still gets its own
// piece), else one per step (stop strings cut it). A generation error is an
// SdkError(TANDEM_ERR_GENERATION).
EdgeReply drain(dispatcher::EdgeSession& s, const tokenizer::Tokenizer& tok,
                const PieceFn& on_piece);

// An SdkError(TANDEM_ERR_CONTEXT_EXCEEDED) when `tokens` leave no room for an answer.
void check_fits(const dispatcher::EdgeEngine& e, const std::vector<tokenizer::TokenId>& tokens);

// The sampler of a reply (validated: SdkError(TANDEM_ERR_INVALID_ARGUMENT) when out of range).
engine::SamplerParams sampling(float temperature, float top_p, int32_t top_k, uint64_t seed);

}  // namespace tandem::sdk

struct tandem_model {
  std::unique_ptr<tandem::dispatcher::EdgeEngine> edge;
};
