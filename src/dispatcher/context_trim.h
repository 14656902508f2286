// Chats longer than the edge context (issue 24): when the edge answers a chat whose prompt,
// plus room for the answer, does not fit its context, it drops the oldest turns — whole
// messages — and answers the rest. docs/LONG_CONTEXT.md, "Chats longer than the edge context".
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "template/chat_template.h"

namespace tandem::dispatcher {

// --context-overflow: what the Dispatcher does with a chat the edge context cannot hold.
//   kOffload: to the Commander when the request may leave the device and the Commander is
//             reachable; otherwise the edge trims (the default).
//   kTrim:    the edge trims, and routes the trimmed chat like any other (the Commander, when
//             another rule sends it there, still gets the whole conversation).
//   kError:   to the Commander when it can go, else 400 context_length_exceeded (no trimming:
//             the behaviour before trimming existed).
enum class ContextOverflow { kOffload, kTrim, kError };

std::string_view context_overflow_name(ContextOverflow p);  // "offload" | "trim" | "error"
std::optional<ContextOverflow> parse_context_overflow(std::string_view name);

// The turns a trim may drop, oldest first, each as the indices of its messages: a turn is a
// user message and every non-system message after it up to the next user message (the
// assistant's answer, its tool calls and their results stay together, so the kept
// conversation still alternates user/assistant as strict templates demand); non-system
// messages before the first user message form one turn. Never droppable: system and
// developer messages (wherever they are), and the last user message with everything after
// it (the turn being answered, its tool calls and results included).
std::vector<std::vector<size_t>> droppable_turns(const std::vector<templates::ChatMessage>& m);

// The positions the edge keeps free for the answer when deciding whether a chat fits:
// max_tokens clamped to --edge-max-tokens (edge_answer_tokens); when neither bounds the
// answer, an eighth of the context; never more than half the context, never less than 1.
int64_t answer_reserve(int64_t max_tokens, int64_t edge_max_tokens, int64_t n_ctx);

struct TrimmedChat {
  std::vector<templates::ChatMessage> messages;  // system messages first where they were
  size_t dropped = 0;                            // messages dropped
  size_t turns_dropped = 0;                      // droppable turns dropped
  bool fits = false;  // false: even with every droppable turn gone it does not fit
};

// Drops the oldest droppable turns until `fits(messages)` holds: the fewest turns that make it
// fit (found by bisection: dropping more never makes a prompt longer), then, when
// `step_weight` > 0, up to the next step boundary — the turns are cut into consecutive steps
// of at least `step_weight` total weight (`weight` of each message; the boundaries depend on
// the conversation's beginning only, so they stay put as a chat grows) and whole steps go.
// A chat that keeps its dropped count from one turn to the next keeps the same prompt
// prefix, which the edge's prefix caches reuse. `fits` is called O(log turns) times.
TrimmedChat trim_to_fit(const std::vector<templates::ChatMessage>& messages,
                        const std::function<bool(const std::vector<templates::ChatMessage>&)>& fits,
                        int64_t step_weight = 0,
                        const std::function<int64_t(const templates::ChatMessage&)>& weight = {});

}  // namespace tandem::dispatcher
