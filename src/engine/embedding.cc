#include "engine/embedding.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tandem::engine {

const char* pooling_name(Pooling p) {
  switch (p) {
    case Pooling::kNone:
      return "none";
    case Pooling::kMean:
      return "mean";
    case Pooling::kCls:
      return "cls";
    case Pooling::kLast:
      return "last";
    case Pooling::kRank:
      return "rank";
  }
  return "unknown";
}

Pooling parse_pooling(const std::string& name) {
  if (name == "mean") return Pooling::kMean;
  if (name == "cls") return Pooling::kCls;
  if (name == "last") return Pooling::kLast;
  throw std::invalid_argument("unknown pooling '" + name + "' (mean, cls or last)");
}

Pooling model_pooling(const Model& m) {
  const int64_t v = m.file().get_int(m.config().arch + ".pooling_type", -1);
  if (v < 0) return Pooling::kMean;
  if (v > static_cast<int64_t>(Pooling::kRank)) return Pooling::kNone;  // unknown: unusable
  return static_cast<Pooling>(v);
}

std::vector<std::vector<float>> embed(Transformer& tf, std::span<const std::vector<TokenId>> inputs,
                                      const EmbedOptions& opts, const ForwardRunner& run) {
  const Pooling pooling = opts.pooling;
  if (pooling != Pooling::kMean && pooling != Pooling::kCls && pooling != Pooling::kLast)
    throw std::invalid_argument(std::string("pooling '") + pooling_name(pooling) +
                                "' gives no single vector per input");
  size_t longest = 0;
  for (const auto& in : inputs) {
    if (in.empty()) throw std::invalid_argument("an input has no tokens");
    longest = std::max(longest, in.size());
  }
  const size_t n_embd = static_cast<size_t>(tf.model().config().n_embd);
  std::vector<std::vector<float>> out(inputs.size(), std::vector<float>(n_embd, 0.0f));
  if (inputs.empty()) return out;

  // Each input takes one cache sequence for as long as it is evaluated; input i uses
  // sequence i % n_seq, and one forward never holds more than n_seq inputs, so sequences
  // never collide. Sizing n_seq x longest <= max(max_batch, longest) keeps the private
  // cache no bigger than one generation slot's worth of the batch.
  const size_t max_batch = std::max<size_t>(opts.max_batch, 1);
  const size_t n_seq =
      std::clamp<size_t>(max_batch / longest, 1, std::min<size_t>(64, inputs.size()));
  KvCache cache = tf.make_cache(static_cast<int32_t>(longest), static_cast<int32_t>(n_seq));

  auto wants = [pooling](size_t pos, size_t len) {
    return pooling == Pooling::kMean || (pooling == Pooling::kCls && pos == 0) ||
           (pooling == Pooling::kLast && pos + 1 == len);
  };
  Batch batch;
  std::vector<size_t> owner;  // the input of each hidden row
  size_t next = 0, pos = 0;   // the next token to evaluate: inputs[next][pos]
  while (next < inputs.size()) {
    batch.clear();
    owner.clear();
    const size_t first = next;
    while (next < inputs.size() && batch.size() < max_batch && next - first < n_seq) {
      const auto& in = inputs[next];
      const size_t take = std::min(max_batch - batch.size(), in.size() - pos);
      for (size_t k = pos; k < pos + take; ++k) {
        const bool hidden = wants(k, in.size());
        batch.add(in[k], static_cast<int32_t>(k), static_cast<int32_t>(next % n_seq), false,
                  hidden);
        if (hidden) owner.push_back(next);
      }
      pos += take;
      if (pos < in.size()) break;  // continues in the next forward, in the same sequence
      ++next;
      pos = 0;
    }
    // The forward and the read of its hidden states are one unit of work: the next forward
    // (maybe another request's) overwrites them.
    auto work = [&] {
      tf.forward(batch, cache);
      const auto h = tf.hidden();
      for (size_t r = 0; r < owner.size(); ++r) {
        float* acc = out[owner[r]].data();
        const float* row = h.data() + r * n_embd;
        for (size_t d = 0; d < n_embd; ++d) acc[d] += row[d];
      }
    };
    if (run)
      run(work);
    else
      work();
  }

  for (size_t i = 0; i < out.size(); ++i) {
    auto& v = out[i];
    // Mean pooling sums every row; the division cancels in the normalization but keeps the
    // pre-normalization vector what its name says.
    if (pooling == Pooling::kMean)
      for (float& x : v) x /= static_cast<float>(inputs[i].size());
    double sq = 0;
    for (float x : v) sq += static_cast<double>(x) * x;
    const double norm = std::sqrt(sq);
    const float scale = norm > 0 ? static_cast<float>(1.0 / norm) : 0.0f;
    for (float& x : v) x *= scale;
  }
  return out;
}

}  // namespace tandem::engine
