#include "api/structured/grammar_processor.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "grammar/closing_distance.h"

namespace tandem::api {

std::shared_ptr<const grammar::VocabIndex> build_vocab_index(
    const tokenizer::Tokenizer& tok, std::span<const tokenizer::TokenId> extra_eog) {
  const int32_t n = tok.n_vocab();
  std::vector<std::string> bytes(static_cast<size_t>(n));
  std::vector<int32_t> eog;
  for (int32_t id = 0; id < n; ++id) {
    // Not rendering specials: a control token's text ("<s>") is not what the output shows,
    // and an empty token stays out of the trie, so the grammar never allows it.
    bytes[static_cast<size_t>(id)] = tok.token_to_piece(id, /*render_special=*/false);
    if (tok.is_eog(id)) eog.push_back(id);
  }
  for (tokenizer::TokenId id : extra_eog)
    if (id >= 0 && id < n && std::find(eog.begin(), eog.end(), id) == eog.end()) eog.push_back(id);
  return std::make_shared<const grammar::VocabIndex>(bytes, eog);
}

GrammarProcessor::GrammarProcessor(std::shared_ptr<const grammar::Grammar> g,
                                   std::shared_ptr<const grammar::VocabIndex> vocab,
                                   std::string_view prefix)
    : mask_(g, vocab), matcher_(g), allowed_(vocab->size()) {
  if (!matcher_.accept_bytes(prefix))
    throw std::invalid_argument("the answer so far does not follow the requested format");
  refresh();
}

void GrammarProcessor::refresh() {
  auto eog_allowed = [&] {
    size_t n = 0;
    for (int32_t id : mask_.vocab().eog_ids()) n += allowed_.test(static_cast<size_t>(id));
    return n;
  };
  bool limited = false;
  if (budget_ >= 0 && budget_ < static_cast<int64_t>(grammar::ClosingDistance::kInfinite)) {
    // A token is worth its place if the rest still fits the tokens after it, less the one
    // kept for the end; with one token left, only an end may come.
    if (budget_ <= 1) {
      allowed_.fill(false);
      if (matcher_.is_complete())
        for (int32_t id : mask_.vocab().eog_ids()) allowed_.set(static_cast<size_t>(id));
    } else {
      mask_.compute(matcher_, allowed_, static_cast<uint32_t>(budget_ - 2));
    }
    limited = allowed_.count() > 0;
  }
  if (!limited) mask_.compute(matcher_, allowed_);
  done_ = matcher_.is_complete() && allowed_.count() == eog_allowed();
}

void GrammarProcessor::set_budget(int64_t tokens) {
  if (tokens == budget_) return;
  budget_ = tokens;
  refresh();
}

void GrammarProcessor::apply(std::span<float> logits) {
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  const auto& words = allowed_.words();
  const size_t n = std::min(logits.size(), allowed_.size());
  bool any = false;
  // Word at a time: most words are all-allowed or all-rejected in a constrained state.
  for (size_t w = 0; w * 64 < n; ++w) {
    const uint64_t bits = words[w];
    const size_t base = w * 64, end = std::min(n, base + 64);
    any |= bits != 0;
    if (bits == ~uint64_t{0}) continue;
    if (bits == 0) {
      std::fill(logits.begin() + static_cast<std::ptrdiff_t>(base),
                logits.begin() + static_cast<std::ptrdiff_t>(end), kNegInf);
      continue;
    }
    for (size_t i = base; i < end; ++i)
      if (!((bits >> (i - base)) & 1)) logits[i] = kNegInf;
  }
  // Tokens past the grammar's vocabulary (padded output rows) are never allowed.
  std::fill(logits.begin() + static_cast<std::ptrdiff_t>(n), logits.end(), kNegInf);
  if (!any) throw std::runtime_error("the grammar admits no token of this vocabulary here");
}

void GrammarProcessor::accept(tokenizer::TokenId id) {
  if (id < 0 || static_cast<size_t>(id) >= allowed_.size() ||
      !allowed_.test(static_cast<size_t>(id)) || !mask_.accept_token(matcher_, id))
    throw std::logic_error("token " + std::to_string(id) + " is not allowed by the grammar");
  if (budget_ > 0) --budget_;
  refresh();
}

GrammarVocab::GrammarVocab(const tokenizer::Tokenizer& tok,
                           std::vector<tokenizer::TokenId> extra_eog)
    : tok_(tok), extra_eog_(std::move(extra_eog)) {}

const std::shared_ptr<const grammar::VocabIndex>& GrammarVocab::index() const {
  std::call_once(once_, [this] { index_ = build_vocab_index(tok_, extra_eog_); });
  return index_;
}

std::unique_ptr<engine::LogitsProcessor> GrammarVocab::processor(
    std::shared_ptr<const grammar::Grammar> g, std::string_view prefix) const {
  return std::make_unique<GrammarProcessor>(std::move(g), index(), prefix);
}

}  // namespace tandem::api
